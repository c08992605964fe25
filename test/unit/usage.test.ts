import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatUsage } from '../../src/core/chat-types.ts';
import { readChatUsage } from '../../src/core/usage.ts';

describe('readChatUsage', () => {
  it('reads prompt and completion tokens', () => {
    assert.deepEqual(readChatUsage({ prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 }), {
      promptTokens: 12,
      completionTokens: 30,
      cachedPromptTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    });
  });

  it('reads cached prompt tokens and reasoning tokens from the details', () => {
    const usage = readChatUsage({
      prompt_tokens: 2000,
      completion_tokens: 500,
      total_tokens: 2500,
      prompt_tokens_details: { cached_tokens: 1536 },
      completion_tokens_details: { reasoning_tokens: 448 },
    });
    assert.equal(usage?.cachedPromptTokens, 1536);
    assert.equal(usage?.reasoningTokens, 448);
  });

  it('keeps a reported zero as 0 and an unreported detail as undefined', () => {
    const usage = readChatUsage({ prompt_tokens: 5, completion_tokens: 0, total_tokens: 5, prompt_tokens_details: { cached_tokens: 0 } });
    assert.equal(usage?.completionTokens, 0);
    assert.equal(usage?.cachedPromptTokens, 0);
    assert.equal(usage?.reasoningTokens, undefined);
  });

  it('reads null details (as some providers send) as not reported', () => {
    const usage = readChatUsage({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, prompt_tokens_details: null, completion_tokens_details: null });
    assert.equal(usage?.cachedPromptTokens, undefined);
    assert.equal(usage?.reasoningTokens, undefined);
  });

  it('returns undefined when there is no usage or it counts nothing', () => {
    assert.equal(readChatUsage(undefined), undefined);
    assert.equal(readChatUsage(null), undefined);
    assert.equal(readChatUsage({} as ChatUsage), undefined);
  });

  it('counts a missing side as 0 when the other side is reported', () => {
    assert.deepEqual(readChatUsage({ prompt_tokens: 9 } as ChatUsage), {
      promptTokens: 9,
      completionTokens: 0,
      cachedPromptTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    });
  });

  it('ignores counts that are not non-negative numbers and truncates fractions', () => {
    const usage = readChatUsage({ prompt_tokens: '12', completion_tokens: 7.9, total_tokens: -1, completion_tokens_details: { reasoning_tokens: -3 } } as unknown as ChatUsage);
    assert.equal(usage?.promptTokens, 0);
    assert.equal(usage?.completionTokens, 7);
    assert.equal(usage?.reasoningTokens, undefined);
  });

  it('ignores a usage value that is not an object', () => {
    assert.equal(readChatUsage('lots' as unknown as ChatUsage), undefined);
  });
});
