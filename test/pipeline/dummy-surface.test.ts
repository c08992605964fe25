/**
 * A fourth surface is one surface file plus its route registration: this file defines a small
 * "plain text" surface, registers it on a gateway wired to the simulators, and serves requests
 * through the pipeline — translated to two providers, streamed, refused, metered and recorded —
 * without any other change to the gateway.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/load-config.ts';
import { creditsAsNumber } from '../../src/core/credits-as-number.ts';
import type { GatewayError } from '../../src/core/gateway-error.ts';
import type { Surface } from '../../src/gateway/surface.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';
import { buildServer } from '../../src/server/build-server.ts';
import { registerSurfaceRoutes } from '../../src/server/routes/register-surface-routes.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { formatSseEvent } from '../../src/streaming/format-sse-event.ts';
import { createSwitchyard, type Switchyard } from '../../src/switchyard.ts';

interface PlainTextRequest {
  model: string;
  prompt: string;
  stream?: boolean;
}

/** The whole surface: decode, encoders and error rendering; the pipeline does the rest. */
const plainTextSurface: Surface<PlainTextRequest> = {
  id: 'plain-text',
  describe: (body) => ({ model: body.model, streamed: body.stream === true }),
  decode: (body) => ({ request: { model: body.model, messages: [{ role: 'user', content: body.prompt }], stream: body.stream }, adjustments: [] }),
  encoders: () => ({
    completion: (completion, usage, cost) => ({ text: completion.choices[0]?.message?.content ?? '', tokens: usage?.completionTokens, cost: creditsAsNumber(cost) }),
    stream: () => ({
      chunk: ({ chunk }) => {
        const text = chunk.choices?.[0]?.delta?.content;
        return typeof text === 'string' && text !== '' ? formatSseEvent(JSON.stringify({ text }), 'text') : '';
      },
      end: (_usage, cost) => formatSseEvent(JSON.stringify({ cost: cost === undefined ? null : creditsAsNumber(cost) }), 'done'),
      error: (error) => formatSseEvent(JSON.stringify({ failure: error.message }), 'failure'),
    }),
  }),
  encodeError: (error: GatewayError) => ({ failure: { status: error.status, code: error.code, message: error.message } }),
};

const plainTextSchema = {
  type: 'object',
  required: ['model', 'prompt'],
  properties: { model: { type: 'string' }, prompt: { type: 'string' }, stream: { type: 'boolean' } },
};

describe('a surface defined in one file serves requests through the pipeline', () => {
  let simulators: Simulators;
  let switchyard: Switchyard;
  let app: FastifyInstance;
  let url: string;
  let key: string;
  let organizationId: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-surface-'));

  before(async () => {
    simulators = await startSimulators({ port: 0 });
    const config = loadConfig({
      environment: {
        PORT: '0',
        SWITCHYARD_DATA_DIR: dataDir,
        OPENAI_API_KEY: 'sk-test-openai-provider-key-000000000000',
        OPENAI_BASE_URL: simulators.baseUrls.openai,
        ANTHROPIC_API_KEY: 'sk-ant-test-provider-key-444444444444',
        ANTHROPIC_BASE_URL: simulators.baseUrls.anthropic,
      },
      providers: PROVIDER_DESCRIPTORS,
    });
    switchyard = await createSwitchyard(config, { logger: pino({ level: 'silent' }) });
    await switchyard.start();
    app = buildServer(switchyard);
    registerSurfaceRoutes(app, switchyard, plainTextSurface, { paths: ['/v1/plain-text'], bodySchema: plainTextSchema });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const organization = await switchyard.accounts.createOrganization('plain');
    organizationId = organization.id;
    await switchyard.credits.topUp(organization.id, 10_000_000, 'test');
    key = (await switchyard.accounts.createApiKey('plain', 'tests')).secret;
  });

  after(async () => {
    await app.close();
    await switchyard.close();
    await simulators.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/v1/plain-text`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers }, body: JSON.stringify(body) });

  for (const model of ['gpt-5-mini', 'claude-sonnet-4-6']) {
    test(`${model}: a whole answer in the surface's own shape, priced and settled`, async () => {
      const before = await switchyard.credits.balance(organizationId);
      const response = await post({ model, prompt: 'Name three colours of the rainbow.' });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { text: string; tokens: number; cost: number };
      assert.ok(body.text.length > 0, 'the provider answer reached the client');
      assert.ok(body.tokens > 0 && body.cost > 0);
      assert.equal(response.headers.get('x-switchyard-credits-used'), String(body.cost), 'the pipeline reported the cost');
      const requestId = response.headers.get('x-request-id')!;
      await switchyard.usage.flush();
      const record = (await switchyard.store.listUsageRecords({ organizationId })).find((candidate) => candidate.requestId === requestId);
      assert.ok(record, 'settled: one usage record');
      assert.equal(record.surface, 'plain-text');
      assert.equal(record.status, 200);
      assert.equal(record.model, model);
      assert.equal(before - (await switchyard.credits.balance(organizationId)), record.cost, 'the debit is the recorded cost');
    });
  }

  test('a stream in the surface\'s own events, with the cost in its closing event', async () => {
    const response = await post({ model: 'gpt-5-mini', prompt: 'Count to five.', stream: true });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await response.text();
    assert.match(text, /^event: text\n/m);
    const done = /event: done\ndata: (.*)\n/.exec(text);
    assert.ok(done, 'the closing event came');
    assert.ok(JSON.parse(done[1]).cost > 0);
  });

  test('refusals use the surface\'s error shape: unknown model, no key, invalid body', async () => {
    const unknown = await post({ model: 'no-such-model', prompt: 'hi' });
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys((await unknown.json()) as object), ['failure']);
    const invalid = await post({ model: 'gpt-5-mini' });
    assert.equal(invalid.status, 422);
    assert.equal(((await invalid.json()) as { failure: { status: number } }).failure.status, 422);
    const anonymous = await post({ model: 'gpt-5-mini', prompt: 'hi' }, { authorization: 'Bearer sy_wrong' });
    assert.equal(anonymous.status, 401);
    assert.ok(((await anonymous.json()) as { failure?: unknown }).failure);
  });
});
