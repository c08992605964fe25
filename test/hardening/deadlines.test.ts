import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';
import { startGateway } from '../../src/server/start-gateway.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { openStore } from '../../src/store/open-store.ts';
import { rejection } from '../support/rejection.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

const TOTAL_MS = 1_500;

/**
 * Every request has a total deadline and shutdown has one too: once a hung provider took
 * (1 + 2 retries) × 600 s ≈ 30 min to become a 504, endless streams were never cut, and SIGTERM
 * waited for them forever.
 */
describe('the total deadline of a request', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_TOTAL_TIMEOUT_MS: String(TOTAL_MS), SWITCHYARD_MAX_RETRIES: '2' });
  });
  after(() => stack.close());


  test('a provider that never answers is a 504 deadline_exceeded at the deadline, retries included, not after first-byte timeouts × attempts', async () => {
    stack.simulators.addFault({ provider: 'openai', firstByteDelayMs: 60_000, times: 5 });
    const started = performance.now();
    const error = await rejection(stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }));
    const elapsed = performance.now() - started;
    assert.equal(error.status, 504);
    assert.equal((error.error as { code?: string }).code, 'deadline_exceeded');
    assert.ok(elapsed < 20_000, `answered after ${Math.round(elapsed)} ms`);
    const record = await stack.usageRecordOf(error.headers?.get('x-request-id') ?? '');
    assert.equal(record.status, 504);
    assert.equal(record.errorCode, 'deadline_exceeded');
  });

  test('a stream still running at the deadline ends with its error event, and is billed for what it relayed', async () => {
    stack.simulators.reset();
    stack.simulators.addFault({ provider: 'openai', chunkDelayMs: 400 });
    const { data: stream, response } = await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Count to fifty.' }], stream: true }).withResponse();
    let chunks = 0;
    await assert.rejects(
      (async () => {
        for await (const _chunk of stream) chunks += 1;
      })(),
      (error: unknown) => error instanceof OpenAI.APIError && /deadline/.test(error.message),
    );
    assert.ok(chunks > 0, 'chunks before the deadline reached the client');
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.status, 504);
    assert.equal(record.errorCode, 'deadline_exceeded');
    assert.ok(record.cost > 0, 'billed for what was relayed');
  });

  test('a passed-through stream (Messages → Claude) still running at the deadline ends with an Anthropic error event', async () => {
    stack.simulators.reset();
    stack.simulators.addFault({ provider: 'anthropic', chunkDelayMs: 400 });
    const response = await fetch(`${stack.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 512, stream: true, messages: [{ role: 'user', content: 'Count to fifty.' }] }),
    });
    const text = await response.text();
    assert.match(text, /event: message_start/);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"The request did not complete within the gateway's deadline/);
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.status, 504);
  });
});

describe('the shutdown deadline', () => {
  let simulators: Simulators;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-shutdown-'));
  before(async () => {
    simulators = await startSimulators({ port: 0 });
  });
  after(async () => {
    await simulators.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('closing the gateway ends a stream still running at the shutdown deadline with its error event, and its usage reaches the ledger', async () => {
    const config = loadConfig({
      environment: { PORT: '0', SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_SHUTDOWN_TIMEOUT_MS: '500', OPENAI_API_KEY: 'sk-shutdown-provider-key', OPENAI_BASE_URL: simulators.baseUrls.openai },
      providers: PROVIDER_DESCRIPTORS,
    });
    const gateway = await startGateway(config, { logger: pino({ level: 'silent' }) });
    const organization = await gateway.switchyard.accounts.createOrganization('stopping');
    await gateway.switchyard.credits.topUp(organization.id, 1_000_000_000);
    const { secret } = await gateway.switchyard.accounts.createApiKey('stopping', 'tests');
    simulators.addFault({ provider: 'openai', chunkDelayMs: 1_000 });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Count to fifty.' }], stream: true }).withResponse();
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const closing = gateway.close();
    await assert.rejects(
      (async () => {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          // drain until the gateway ends the stream
        }
      })(),
      (error: unknown) => error instanceof OpenAI.APIError && /shutting down/.test(error.message),
    );
    await closing;
    const store = openStore({ dataDir });
    try {
      const record = (await store.listUsageRecords({ limit: 10 })).find((candidate) => candidate.requestId === response.headers.get('x-request-id'));
      assert.ok(record, 'the stream ended by the shutdown was recorded');
      assert.equal(record.status, 503);
      assert.equal(record.errorCode, 'shutting_down');
      assert.ok(record.cost > 0);
    } finally {
      await store.close();
    }
  });
});
