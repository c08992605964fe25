import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startStack, type Stack } from '../support/start-stack.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** Prometheus' text format, read as a scraper does: each sample's name, labels and value. */
function parseSamples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, `a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

function sum(samples: ReturnType<typeof parseSamples>, name: string, where: Record<string, string> = {}): number {
  return samples.filter((sample) => sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value)).reduce((total, sample) => total + sample.value, 0);
}

describe('Prometheus metrics: GET /metrics', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_METRICS_TOKEN: METRICS_TOKEN });
  });
  after(() => stack.close());

  const scrape = async (authorization?: string) => fetch(`${stack.gateway.url}/metrics`, { headers: authorization ? { authorization } : {} });

  test('after a mixed run (three surfaces, streams, a provider error, an unknown model, a credit refusal) the counters equal the usage records and the ledger', async () => {
    const { switchyard } = stack.gateway;
    const openai = stack.client();
    await openai.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] });
    for await (const _chunk of await openai.chat.completions.create({ model: 'grok-4', stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
    await openai.responses.create({ model: 'gpt-5-mini', input: 'Hi', store: false });
    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    await anthropic.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 128, messages: [{ role: 'user', content: 'Hi' }] });
    for await (const _event of await anthropic.messages.create({ model: 'gemini-2.5-flash', max_tokens: 128, stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
    stack.simulators.addFault({ provider: 'openai', status: 400, times: 1 });
    await openai.withOptions({ maxRetries: 0 }).chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);
    await openai.withOptions({ maxRetries: 0 }).chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);
    await switchyard.accounts.createOrganization('broke');
    const broke = stack.client('/v1', (await switchyard.accounts.createApiKey('broke', 'tests')).secret).withOptions({ maxRetries: 0 });
    await broke.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }).catch(() => undefined);

    await switchyard.usage.flush();
    const records = await switchyard.store.listUsageRecords({ limit: 1_000 });
    const samples = parseSamples(await (await scrape(`Bearer ${METRICS_TOKEN}`)).text());

    assert.equal(sum(samples, 'switchyard_requests_total'), records.length, 'one count per usage record');
    for (const status of new Set(records.map((record) => record.status))) {
      assert.equal(sum(samples, 'switchyard_requests_total', { status: String(status) }), records.filter((record) => record.status === status).length, `status ${status}`);
    }
    for (const surface of ['openai-chat', 'openai-responses', 'anthropic-messages']) {
      assert.equal(sum(samples, 'switchyard_requests_total', { surface }), records.filter((record) => record.surface === surface).length, surface);
    }
    assert.equal(sum(samples, 'switchyard_requests_total', { model: 'unknown' }), 1, 'a model outside the catalog is labelled unknown');
    assert.ok(samples.every((sample) => !JSON.stringify(sample.labels).includes('no-such-model')));
    assert.equal(sum(samples, 'switchyard_tokens_total', { type: 'input' }), records.reduce((total, record) => total + (record.promptTokens ?? 0), 0));
    assert.equal(sum(samples, 'switchyard_tokens_total', { type: 'output' }), records.reduce((total, record) => total + (record.completionTokens ?? 0), 0));
    const ledger = await switchyard.store.listLedgerEntries({ limit: 1_000 });
    const debited = -ledger.filter((entry) => entry.kind === 'debit').reduce((total, entry) => total + entry.amount, 0);
    assert.ok(debited > 0);
    assert.equal(sum(samples, 'switchyard_credits_spent_micros_total', { organization: 'acme' }), debited, 'credits spent == the ledger\'s debits');
    assert.equal(sum(samples, 'switchyard_credits_spent_micros_total'), records.reduce((total, record) => total + record.cost, 0));
    assert.equal(sum(samples, 'switchyard_refusals_total', { reason: 'credits' }), 1);
    assert.ok(sum(samples, 'switchyard_upstream_errors_total', { provider: 'openai' }) >= 0);
    assert.equal(sum(samples, 'switchyard_request_duration_seconds_count'), records.length);
    assert.equal(sum(samples, 'switchyard_dependency_up', { dependency: 'store' }), 1);
    assert.equal(sum(samples, 'switchyard_inflight_requests'), 0);
    assert.ok(sum(samples, 'process_resident_memory_bytes') > 0, "Node's process metrics");
  });

  test('SWITCHYARD_METRICS_TOKEN: without it or with another, a 401 in the envelope', async () => {
    const missing = await scrape();
    assert.equal(missing.status, 401);
    const wrong = await scrape('Bearer not-the-token');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'invalid_metrics_token');
  });
});

describe('Prometheus metrics on a port of their own (SWITCHYARD_METRICS_PORT)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_METRICS_PORT: '0' });
  });
  after(() => stack.close());

  test('served there, open; not on the main port', async () => {
    const url = stack.gateway.metricsUrl!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /switchyard_inflight_requests 0/);
    assert.equal((await fetch(`${stack.gateway.url}/metrics`)).status, 404);
  });
});
