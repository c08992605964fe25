import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapReasoningEffortToThinking, THINKING_BUDGETS } from '../../../src/providers/anthropic/map-reasoning-effort-to-thinking.ts';

const MODEL = { defaultMaxTokens: 8_192, modelMaxTokens: 64_000 };

test('without a client limit, each effort gets its budget on top of the default answer room', () => {
  assert.deepEqual(THINKING_BUDGETS, { minimal: 1_024, low: 2_048, medium: 8_192, high: 16_384, xhigh: 32_768 });
  for (const [effort, budget] of Object.entries(THINKING_BUDGETS)) {
    const plan = mapReasoningEffortToThinking({ effort, ...MODEL });
    assert.equal(plan.budgetTokens, budget, effort);
    assert.equal(plan.maxTokens, 8_192 + budget, effort);
    assert.deepEqual(plan.adjustment, { parameter: 'reasoning_effort', action: 'mapped', reason: `'${effort}' sent as Claude's extended thinking with budget_tokens ${budget}` });
  }
});

test("with a client limit, the budget stays below it and the limit is the client's", () => {
  assert.deepEqual(mapReasoningEffortToThinking({ effort: 'high', requestedMaxTokens: 4_000, ...MODEL }), {
    budgetTokens: 3_999,
    maxTokens: 4_000,
    adjustment: { parameter: 'reasoning_effort', action: 'mapped', reason: "'high' sent as Claude's extended thinking with budget_tokens 3999" },
  });
  assert.equal(mapReasoningEffortToThinking({ effort: 'low', requestedMaxTokens: 30_000, ...MODEL }).budgetTokens, 2_048);
});

test('a limit too small for the minimum budget of 1024 turns thinking off, reported', () => {
  const plan = mapReasoningEffortToThinking({ effort: 'low', requestedMaxTokens: 1_024, ...MODEL });
  assert.equal(plan.budgetTokens, undefined);
  assert.equal(plan.maxTokens, 1_024);
  assert.equal(plan.adjustment?.action, 'dropped');
});

test("'none', no effort, and an unknown effort send no thinking; only the unknown one is reported", () => {
  assert.deepEqual(mapReasoningEffortToThinking({ effort: 'none', ...MODEL }), { maxTokens: 8_192 });
  assert.deepEqual(mapReasoningEffortToThinking({ effort: undefined, requestedMaxTokens: 100, ...MODEL }), { maxTokens: 100 });
  assert.equal(mapReasoningEffortToThinking({ effort: 'extreme', ...MODEL }).adjustment?.action, 'dropped');
});

test('the model output limit caps max_tokens', () => {
  const plan = mapReasoningEffortToThinking({ effort: 'xhigh', defaultMaxTokens: 8_192, modelMaxTokens: 20_000 });
  assert.deepEqual([plan.maxTokens, plan.budgetTokens], [20_000, 19_999]);
});
