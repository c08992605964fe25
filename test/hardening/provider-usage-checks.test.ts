import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import { boundRequestUsage } from '../../src/metering/bound-request-cost.ts';
import { checkReportedUsage } from '../../src/metering/check-reported-usage.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

const ADMIN_TOKEN = 'admin-token-for-usage-checks-000';
const recordedAnswer = JSON.parse(readFileSync(new URL('../fixtures/gemini/text.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('checkReportedUsage', () => {
  const model = BUILTIN_MODELS.find((candidate) => candidate.id === 'gpt-5-mini')!;
  const bound = boundRequestUsage({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100 }, model);

  test('leaves plausible usage alone, reasoning beyond max_tokens included', () => {
    const usage = { promptTokens: 300, completionTokens: 2_000, reasoningTokens: 1_900 };
    assert.deepEqual(checkReportedUsage(usage, bound, model), { usage, capped: false });
  });

  test('caps impossible usage (10^12 tokens) at what the request could produce, parts within their wholes', () => {
    const { usage, capped } = checkReportedUsage({ promptTokens: 1e12, cachedPromptTokens: 1e12, completionTokens: 1e12, reasoningTokens: 1e12 }, bound, model);
    assert.equal(capped, true);
    assert.ok(usage.promptTokens < 10_000 && usage.completionTokens <= model.maxOutputTokens * 2 + 4_096);
    assert.ok(usage.cachedPromptTokens! <= usage.promptTokens && usage.reasoningTokens! <= usage.completionTokens);
  });
});

/**
 * A provider's usage is checked before it touches money: once usage of 10^12 tokens billed
 * 18,000,000 credits for one request, and missing usage billed nothing. Flagged records show in
 * the admin usage API.
 */
describe('provider usage through the gateway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  after(() => stack.close());

  async function recordOf(requestId: string) {
    await stack.gateway.switchyard.usage.flush();
    return (await stack.gateway.switchyard.store.listUsageRecords({ limit: 1_000 })).find((record) => record.requestId === requestId)!;
  }

  const ask = () => stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Name three colours of the rainbow.' }] }).withResponse();

  test('usage of 10^12 tokens is billed at the request\'s bound and flagged usage_capped', async () => {
    stack.simulators.addFault({ provider: 'google', status: 200, body: { ...recordedAnswer, usageMetadata: { promptTokenCount: 1e12, candidatesTokenCount: 1e12, totalTokenCount: 2e12 } } });
    const { data, response } = await ask();
    const record = await recordOf(response.headers.get('x-request-id')!);
    assert.equal(record.usageFlag, 'usage_capped');
    assert.ok(record.cost < 1_000_000, `billed ${record.cost} micro-credits, not millions of credits`);
    assert.equal(Math.round((data.usage as unknown as { cost: number }).cost * 1_000_000), record.cost, 'the client is told the capped cost');
  });

  test('an answer without usage is billed for what it answered, counted with the tokenizer, and flagged usage_estimated', async () => {
    const { usageMetadata: _omitted, ...withoutUsage } = recordedAnswer;
    stack.simulators.addFault({ provider: 'google', status: 200, body: withoutUsage });
    const { response } = await ask();
    const record = await recordOf(response.headers.get('x-request-id')!);
    assert.equal(record.usageFlag, 'usage_estimated');
    assert.ok(record.cost > 0 && (record.completionTokens ?? 0) > 0);
  });

  test('the admin usage API counts the flagged requests', async () => {
    const { response } = await ask();
    assert.equal((await recordOf(response.headers.get('x-request-id')!)).usageFlag, null, 'plausible usage is not flagged');
    const usage = await fetch(`${stack.gateway.url}/admin/v1/usage?organization=acme&group_by=model`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const rows = ((await usage.json()) as { data: { model: string; flagged_requests: number }[] }).data;
    assert.equal(rows.find((row) => row.model === 'gemini-2.5-flash')?.flagged_requests, 2);
  });
});
