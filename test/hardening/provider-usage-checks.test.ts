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


  const ask = () => stack.client().chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Name three colours of the rainbow.' }] }).withResponse();

  test('usage of 10^12 tokens is billed at the request\'s bound and flagged usage_capped', async () => {
    stack.simulators.addFault({ provider: 'google', status: 200, body: { ...recordedAnswer, usageMetadata: { promptTokenCount: 1e12, candidatesTokenCount: 1e12, totalTokenCount: 2e12 } } });
    const { data, response } = await ask();
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.usageFlag, 'usage_capped');
    assert.ok(record.cost < 1_000_000, `billed ${record.cost} micro-credits, not millions of credits`);
    assert.equal(Math.round((data.usage as unknown as { cost: number }).cost * 1_000_000), record.cost, 'the client is told the capped cost');
  });

  test('an answer without usage is billed for what it answered, counted with the tokenizer, and flagged usage_estimated', async () => {
    const { usageMetadata: _omitted, ...withoutUsage } = recordedAnswer;
    stack.simulators.addFault({ provider: 'google', status: 200, body: withoutUsage });
    const { response } = await ask();
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.usageFlag, 'usage_estimated');
    assert.ok(record.cost > 0 && (record.completionTokens ?? 0) > 0);
  });

  test('the admin usage API counts the flagged requests', async () => {
    const { response } = await ask();
    assert.equal((await stack.usageRecordOf(response.headers.get('x-request-id')!)).usageFlag, null, 'plausible usage is not flagged');
    const usage = await fetch(`${stack.gateway.url}/admin/v1/usage?organization=acme&group_by=model`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const rows = ((await usage.json()) as { data: { model: string; flagged_requests: number }[] }).data;
    assert.equal(rows.find((row) => row.model === 'gemini-2.5-flash')?.flagged_requests, 2);
  });
});

/**
 * Passed-through answers (Claude on the Messages API, OpenAI models on the Responses API) that
 * arrive whole without usage, or with usage that is not counts, once billed nothing and went
 * unflagged. They are billed for what they carry, estimated with the tokenizer, and flagged.
 */
describe('passed-through answers without usage', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());


  const claudeAnswer = JSON.parse(readFileSync(new URL('../fixtures/anthropic/text.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const messages = (usage: unknown) => {
    stack.simulators.addFault({ provider: 'anthropic', status: 200, body: { ...claudeAnswer, usage } });
    return fetch(`${stack.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': stack.apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: 'Who are you?' }] }),
    });
  };

  for (const [label, usage] of [
    ['no usage', undefined],
    ['negative counts', { input_tokens: -5, output_tokens: -1_000 }],
    ['counts that are not numbers', { input_tokens: '2095', output_tokens: null }],
  ] as const) {
    test(`Messages → Claude with ${label}: billed on an estimate, flagged usage_estimated`, async () => {
      const response = await messages(usage);
      assert.equal(response.status, 200);
      const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
      assert.equal(record.usageFlag, 'usage_estimated');
      assert.ok((record.promptTokens ?? 0) > 0 && (record.completionTokens ?? 0) > 0, 'the prompt and the answer "Hi! My name is Claude." counted');
      assert.ok(record.cost > 0);
      assert.equal(Number(response.headers.get('x-switchyard-credits-used')), record.cost / 1_000_000, 'the client is told what was billed');
    });
  }

  test('Responses → OpenAI, a finished response without usage: billed on an estimate, flagged usage_estimated', async () => {
    stack.simulators.addFault({
      provider: 'openai',
      status: 200,
      body: {
        id: 'resp_0a1b2c3d4e5f60718293a4b5c6d7e8f9',
        object: 'response',
        created_at: 1_764_000_000,
        status: 'completed',
        model: 'gpt-5-mini-2025-08-07',
        output: [{ id: 'msg_0a1b2c3d4e5f6071', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Red, orange and yellow.', annotations: [] }] }],
        usage: null,
      },
    });
    const response = await fetch(`${stack.gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', input: 'Name three colours of the rainbow.' }),
    });
    assert.equal(response.status, 200);
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.usageFlag, 'usage_estimated');
    assert.ok((record.completionTokens ?? 0) > 0 && record.cost > 0);
  });

  test('a Claude answer with its usage is billed as reported, unflagged', async () => {
    const response = await messages({ input_tokens: 2095, output_tokens: 503 });
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.deepEqual([record.usageFlag, record.promptTokens, record.completionTokens], [null, 2095, 503]);
  });
});
