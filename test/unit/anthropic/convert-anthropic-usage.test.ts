import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertAnthropicUsage } from '../../../src/providers/anthropic/convert-anthropic-usage.ts';
import { readChatUsage } from '../../../src/core/usage.ts';

test('prompt_tokens adds cache reads and writes to input_tokens; cached_tokens is the read; the write has its own field', () => {
  const usage = convertAnthropicUsage({ input_tokens: 50, cache_read_input_tokens: 4000, cache_creation_input_tokens: 1200, output_tokens: 300 });
  assert.deepEqual(usage, {
    prompt_tokens: 5250,
    completion_tokens: 300,
    total_tokens: 5550,
    prompt_tokens_details: { cached_tokens: 4000 },
    cache_creation_input_tokens: 1200,
  });
  assert.deepEqual(readChatUsage(usage), { promptTokens: 5250, cachedPromptTokens: 4000, cacheWriteTokens: 1200, completionTokens: 300, reasoningTokens: undefined });
});

test('cache counts Anthropic did not report stay absent; reported zeros stay zero', () => {
  assert.deepEqual(convertAnthropicUsage({ input_tokens: 25, output_tokens: 15 }), { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 });
  assert.deepEqual(convertAnthropicUsage({ input_tokens: 25, output_tokens: 15, cache_read_input_tokens: 0, cache_creation_input_tokens: null }), {
    prompt_tokens: 25,
    completion_tokens: 15,
    total_tokens: 40,
    prompt_tokens_details: { cached_tokens: 0 },
  });
});

test('thinking tokens, where Anthropic breaks them out, become reasoning_tokens inside completion_tokens', () => {
  assert.deepEqual(convertAnthropicUsage({ input_tokens: 10, output_tokens: 900, output_tokens_details: { thinking_tokens: 700 } })?.completion_tokens_details, { reasoning_tokens: 700 });
});

test('no usage is no usage', () => {
  assert.equal(convertAnthropicUsage(undefined), undefined);
  assert.equal(convertAnthropicUsage(null), undefined);
});
