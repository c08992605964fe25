import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { convertGeminiResponse } from '../../../src/providers/google/convert-gemini-response.ts';
import { decodeGeminiToolCallId } from '../../../src/providers/google/gemini-tool-call-id.ts';

const context = { requestId: 'req_1', upstreamId: 'gemini-2.5-flash', created: 1_700_000_000 };
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/gemini/${name}`, import.meta.url), 'utf8'));

describe('convertGeminiResponse', () => {
  it('answers text as content, with thoughts counted as reasoning tokens inside completion_tokens', () => {
    assert.deepEqual(convertGeminiResponse(fixture('text.json'), context), {
      id: 'chatcmpl-q3AfadLMFuqP0-kPw5eJ8QM',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Red, orange and yellow are three colours of the rainbow.', refusal: null }, logprobs: null, finish_reason: 'stop', native_finish_reason: 'STOP' }],
      usage: { prompt_tokens: 9, completion_tokens: 401, total_tokens: 410, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 388 } },
    });
  });

  it('answers a function call as a tool call with JSON arguments, a stable id carrying the thought signature, and finish_reason tool_calls', () => {
    const completion = convertGeminiResponse(fixture('function-call.json'), context);
    const call = completion.choices[0]!.message.tool_calls![0]!;
    assert.deepEqual(completion.choices, [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
        native_finish_reason: 'STOP',
      },
    ]);
    assert.match(call.id, /^call_[A-Za-z0-9]{24}__thought__[A-Za-z0-9_-]+$/);
    assert.equal(decodeGeminiToolCallId(call.id).thoughtSignature, 'CiQBcsjafGZ2bW9rZS1zaWduYXR1cmUtZm9yLXRlc3Rz+/8=');
    assert.equal(convertGeminiResponse(fixture('function-call.json'), context).choices[0]!.message.tool_calls![0]!.id, call.id, 'stable across conversions');
    assert.deepEqual(completion.usage, { prompt_tokens: 71, completion_tokens: 82, total_tokens: 153, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 62 } });
  });

  it("keeps Gemini's own function call id when it sends one", () => {
    const response = fixture('function-call.json');
    response.candidates[0].content.parts[0].functionCall.id = 'fc-8d1e';
    delete response.candidates[0].content.parts[0].thoughtSignature;
    assert.equal(convertGeminiResponse(response, context).choices[0]!.message.tool_calls![0]!.id, 'fc-8d1e');
  });

  it('answers a candidate cut off while thinking (content without parts) with empty content and finish_reason length', () => {
    assert.deepEqual(convertGeminiResponse(fixture('max-tokens.json'), { ...context, upstreamId: 'gemini-2.5-pro' }).choices, [
      { index: 0, message: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: 'length', native_finish_reason: 'MAX_TOKENS' },
    ]);
  });

  it('answers a candidate blocked by safety filters with finish_reason content_filter', () => {
    const completion = convertGeminiResponse(fixture('safety.json'), context);
    assert.deepEqual(completion.choices, [{ index: 0, message: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: 'content_filter', native_finish_reason: 'SAFETY' }]);
    assert.deepEqual(completion.usage, { prompt_tokens: 14, completion_tokens: 0, total_tokens: 14, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
  });

  it('refuses a blocked prompt (no candidates, promptFeedback.blockReason) with a clear 400', () => {
    assert.throws(
      () => convertGeminiResponse(fixture('prompt-blocked.json'), context),
      (error: unknown) => error instanceof GatewayError && error.status === 400 && error.code === 'prompt_blocked' && /blockReason: PROHIBITED_CONTENT/.test(error.message),
    );
  });

  it('reports implicitly cached prompt tokens as cached_tokens, still counted in prompt_tokens', () => {
    assert.deepEqual(convertGeminiResponse(fixture('implicit-cache.json'), context).usage, {
      prompt_tokens: 2210,
      completion_tokens: 197,
      total_tokens: 2407,
      prompt_tokens_details: { cached_tokens: 2038 },
      completion_tokens_details: { reasoning_tokens: 186 },
    });
  });
});
