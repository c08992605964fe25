import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { convertGeminiUsage } from '../../../src/providers/google/convert-gemini-usage.ts';
import { mapGeminiFinishReason } from '../../../src/providers/google/map-gemini-finish-reason.ts';
import { readGeminiError } from '../../../src/providers/google/read-gemini-error.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/gemini/${name}`, import.meta.url), 'utf8'));

describe('mapGeminiFinishReason', () => {
  it('maps every Gemini finish reason onto OpenAI’s, STOP after function calls being tool_calls', () => {
    const table = Object.fromEntries(
      ['STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE', 'OTHER', 'MALFORMED_FUNCTION_CALL', 'FINISH_REASON_UNSPECIFIED', 'SOMETHING_NEW'].map((reason) => [reason, mapGeminiFinishReason(reason, false)]),
    );
    assert.deepEqual(table, {
      STOP: 'stop',
      MAX_TOKENS: 'length',
      SAFETY: 'content_filter',
      RECITATION: 'content_filter',
      BLOCKLIST: 'content_filter',
      PROHIBITED_CONTENT: 'content_filter',
      SPII: 'content_filter',
      IMAGE_SAFETY: 'content_filter',
      LANGUAGE: 'stop',
      OTHER: 'stop',
      MALFORMED_FUNCTION_CALL: 'stop',
      FINISH_REASON_UNSPECIFIED: 'stop',
      SOMETHING_NEW: 'stop',
    });
    assert.equal(mapGeminiFinishReason('STOP', true), 'tool_calls');
    assert.equal(mapGeminiFinishReason('MAX_TOKENS', true), 'length');
  });
});

describe('convertGeminiUsage', () => {
  it('adds thoughts to completion tokens, the tool-use prompt to prompt tokens, and reads absent counts as zero', () => {
    assert.deepEqual(convertGeminiUsage({ promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 20, thoughtsTokenCount: 30, toolUsePromptTokenCount: 5, totalTokenCount: 155 }), {
      prompt_tokens: 105,
      completion_tokens: 50,
      total_tokens: 155,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    assert.deepEqual(convertGeminiUsage({ promptTokenCount: 7, totalTokenCount: 7 }), {
      prompt_tokens: 7,
      completion_tokens: 0,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });
});

describe('readGeminiError', () => {
  it('reads the message, the status, the ErrorInfo reason of a bad key, and the RetryInfo delay of a 429 in whole seconds', () => {
    assert.deepEqual(readGeminiError(fixture('error-api-key-invalid.json')), { message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT', reason: 'API_KEY_INVALID' });
    assert.deepEqual(readGeminiError(fixture('error-rate-limited.json')), {
      message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
      status: 'RESOURCE_EXHAUSTED',
      retryAfterSeconds: '37',
    });
    assert.deepEqual(readGeminiError([fixture('error-unavailable.json')]), { message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' }, 'also inside an array');
    assert.deepEqual(readGeminiError('<html>Bad Gateway</html>'), {});
  });
});
