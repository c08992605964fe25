import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as pause } from 'node:timers/promises';
import { Agent } from 'undici';
import { GatewayError } from '../../src/core/gateway-error.ts';
import { readUpstreamText, type UpstreamResponse } from '../../src/providers/upstream-client.ts';

/** A provider's answer read as the adapters read it: the states its body can be in when the text is asked for. */
describe('readUpstreamText', () => {
  let server: Server;
  let origin: string;
  const agent = new Agent();
  const signal = new AbortController().signal;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/chunked') {
        response.write('a'.repeat(600));
        response.end('b'.repeat(600));
      } else if (request.url === '/cut') {
        response.writeHead(200, { 'content-length': '100' });
        response.write('abc');
        setTimeout(() => response.destroy(), 20);
      } else {
        response.end('x'.repeat(1_000));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await agent.close();
    server.close();
  });

  async function get(path: string, maxBytes = 1_000_000): Promise<UpstreamResponse> {
    const answer = await agent.request({ origin, path, method: 'GET' });
    return { status: answer.statusCode, headers: answer.headers, body: answer.body, maxBytes };
  }

  /** Fails the test instead of waiting forever on a promise that never settles. */
  function settledWithin<T>(promise: Promise<T>, ms = 2_000): Promise<T> {
    return Promise.race([promise, pause(ms).then(() => Promise.reject(new Error(`not settled within ${ms} ms`)))]);
  }

  it('reads a whole answer', async () => {
    assert.equal(await readUpstreamText('openai', await get('/'), signal), 'x'.repeat(1_000));
  });

  it('refuses an answer over the limit, by its Content-Length or as it passes the limit', async () => {
    await assert.rejects(readUpstreamText('openai', await get('/', 500), signal), (error) => error instanceof GatewayError && error.code === 'upstream_response_too_large');
    await assert.rejects(readUpstreamText('openai', await get('/chunked', 1_000), signal), (error) => error instanceof GatewayError && error.code === 'upstream_response_too_large');
  });

  it('stops reading at truncateAt without failing', async () => {
    const text = await readUpstreamText('openai', await get('/chunked'), signal, 500);
    assert.ok(text.length >= 500 && text.startsWith('a'.repeat(500)));
  });

  it('fails an answer that breaks off midway as a transport error', async () => {
    await assert.rejects(settledWithin(readUpstreamText('openai', await get('/cut'), signal)), (error) => error instanceof GatewayError && error.code === 'upstream_unavailable');
  });

  it('fails, never waits forever, for a body already closed before its text was asked for', async () => {
    const closed = await get('/');
    closed.body.on('error', () => undefined);
    closed.body.destroy();
    await pause(50);
    await assert.rejects(settledWithin(readUpstreamText('openai', closed, signal)), (error) => error instanceof GatewayError && error.code === 'upstream_unavailable');
  });
});
