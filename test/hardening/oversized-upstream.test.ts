import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';
import { createSwitchyard } from '../../src/switchyard.ts';
import { startServeProcess, type ServeProcess } from '../support/start-serve-process.ts';

const HUNDRED_MB = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

/**
 * A provider that answers without end, or far too much, cannot fill the gateway's memory: once
 * 10 answers of 100 MB took it to 3.4 GB of RSS, and an endless body grew it ~260 MB/s.
 * The upstream here is a plain HTTP server that writes as fast as the gateway reads.
 */
describe('oversized and endless provider answers are cut, memory stays bounded', () => {
  let upstream: Server;
  let serve: ServeProcess;
  let apiKey: string;
  let dataDir: string;

  before(async () => {
    upstream = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const streamed = (JSON.parse(body) as { stream?: boolean }).stream === true;
        const declared = request.headers['x-test-declare-length'] !== undefined;
        response.writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json', ...(declared && !streamed ? { 'content-length': String(HUNDRED_MB) } : {}) });
        // Non-stream: a JSON document of 100 MB. Stream: one whole chunk, then an event that never ends.
        const firstChunk = 'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"gpt-5-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"}}]}\n\n';
        response.write(streamed ? `${firstChunk}data: {"choices":[{"index":0,"delta":{"content":"` : '{"id":"x","object":"chat.completion","choices":[],"padding":"');
        let sent = 0;
        const pump = () => {
          while (sent < HUNDRED_MB || streamed) {
            if (response.destroyed) return;
            sent += CHUNK.length;
            if (!response.write(CHUNK)) return void response.once('drain', pump);
          }
          response.end('"}');
        };
        pump();
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address() as { port: number };
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-oversized-'));
    const environment = { SWITCHYARD_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', OPENAI_API_KEY: 'sk-oversized-provider-key', OPENAI_BASE_URL: `http://127.0.0.1:${address.port}`, SWITCHYARD_MAX_RETRIES: '0' };
    const switchyard = await createSwitchyard(loadConfig({ environment, providers: PROVIDER_DESCRIPTORS }), { logger: pino({ level: 'silent' }) });
    try {
      const organization = await switchyard.accounts.createOrganization('oversized');
      await switchyard.credits.topUp(organization.id, 1_000_000_000);
      apiKey = (await switchyard.accounts.createApiKey('oversized', 'tests')).secret;
    } finally {
      await switchyard.close();
    }
    serve = await startServeProcess({ ...environment, LOG_LEVEL: 'info' });
  });

  after(async () => {
    serve?.child.kill('SIGKILL');
    await serve?.exited;
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${serve.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], ...body }),
    });

  test('10 concurrent answers of 100 MB are each a 502 upstream_response_too_large, and the gateway\'s peak RSS stays under 300 MB', async (t) => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => post({})));
    for (const response of responses) {
      assert.equal(response.status, 502);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'upstream_response_too_large');
    }
    const declared = await post({}, { 'x-test-declare-length': '1' });
    assert.equal(declared.status, 502, 'refused by its Content-Length');
    t.diagnostic(`peak RSS of the gateway: ${Math.round(peakRssBytes(serve) / 1024 / 1024)} MB`);
    assert.ok(peakRssBytes(serve) < 300 * 1024 * 1024, `peak RSS ${Math.round(peakRssBytes(serve) / 1024 / 1024)} MB`);
  });

  test('a stream event that never ends fails the stream with an error event instead of growing without bound', async () => {
    const response = await post({ stream: true });
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /"content":"Hi"/, 'the whole chunk before it was relayed');
    assert.match(text, /"error":\{"message":"Provider 'openai' stream ended abnormally: a stream event is larger than/);
    assert.ok(peakRssBytes(serve) < 300 * 1024 * 1024, `peak RSS ${Math.round(peakRssBytes(serve) / 1024 / 1024)} MB`);
  });
});

/** The process's peak resident set (VmHWM), from Linux's /proc. */
function peakRssBytes(serve: ServeProcess): number {
  const status = readFileSync(`/proc/${serve.child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}
