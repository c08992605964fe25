import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.ts';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { createCompletionsStreamEncoder } from '../../../src/dialects/openai-completions/completions-stream-encoder.ts';
import { decodeCompletionsRequest } from '../../../src/dialects/openai-completions/decode-completions-request.ts';
import { encodeCompletionsResponse } from '../../../src/dialects/openai-completions/encode-completions-response.ts';

const chunk = (choices: ChatCompletionChunk['choices'], usage?: ChatCompletionChunk['usage']): ChatCompletionChunk => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'upstream-id', choices, ...(usage && { usage }) });

/** The JSON payloads of an SSE text, `[DONE]` kept as it is. */
function payloads(sse: string): unknown[] {
  return sse.split('\n\n').filter((event) => event !== '').map((event) => {
    const data = event.replace(/^data: /, '');
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

describe('legacy completions → hub chat request', () => {
  test('the prompt is one user message; max_tokens defaults to 16; shared fields copied; stream_options only with a stream', () => {
    const { request, adjustments } = decodeCompletionsRequest({ model: 'm', prompt: 'Once upon a time', temperature: 0.5, stop: ['\n'], n: 2, logit_bias: { '50256': -100 }, seed: 1, user: 'u', echo: true, stream_options: { include_usage: true } });
    assert.deepEqual(request, { model: 'm', messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 16, temperature: 0.5, stop: ['\n'], n: 2, logit_bias: { '50256': -100 }, seed: 1, user: 'u' });
    assert.deepEqual(adjustments, []);
    const streamed = decodeCompletionsRequest({ model: 'm', prompt: ['hi'], max_tokens: 5, stream: true, stream_options: { include_usage: true } }).request;
    assert.deepEqual(streamed, { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, stream: true, stream_options: { include_usage: true } });
  });

  test('what chat cannot carry is refused by name; unknown fields are dropped and reported', () => {
    for (const [body, param] of [
      [{ prompt: ['a', 'b'] }, 'prompt'],
      [{ prompt: [1, 2] }, 'prompt'],
      [{ prompt: [[1], [2]] }, 'prompt'],
      [{ prompt: 'a', logprobs: 0 }, 'logprobs'],
      [{ prompt: 'a', suffix: 'z' }, 'suffix'],
      [{ prompt: 'a', best_of: 2 }, 'best_of'],
    ] as const) {
      assert.throws(() => decodeCompletionsRequest({ model: 'm', ...body } as never), (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param && error.code === 'unsupported_feature');
    }
    assert.deepEqual(decodeCompletionsRequest({ model: 'm', prompt: 'a', best_of: 3, n: 3, suffix: '', logprobs: null, metadata: { a: 1 } }).adjustments, [{ parameter: 'metadata', action: 'dropped', reason: 'not a parameter of the Completions API' }]);
  });
});

describe('hub answers → text_completion', () => {
  test('a whole answer: each choice\'s text after the echoed prompt, finish reasons in Completions terms, usage with cost', () => {
    const encoded = encodeCompletionsResponse(
      {
        id: 'chatcmpl-1', object: 'chat.completion', created: 1_764_000_000, model: 'upstream-id',
        choices: [
          { index: 0, message: { role: 'assistant', content: ' there', reasoning_content: 'hidden' }, finish_reason: 'stop' },
          { index: 1, message: { role: 'assistant', content: [{ type: 'text', text: ' the' }, { type: 'text', text: 're' }] }, finish_reason: 'length' },
          { index: 2, message: { role: 'assistant', content: null }, finish_reason: 'tool_calls' },
        ],
      },
      { model: 'my-model', echo: 'Hello', usage: { promptTokens: 10, cachedPromptTokens: 4, completionTokens: 7, reasoningTokens: 2 }, cost: 1234 },
    );
    assert.match(encoded.id, /^cmpl-/);
    assert.deepEqual({ ...encoded, id: 'x' }, {
      id: 'x', object: 'text_completion', created: 1_764_000_000, model: 'my-model',
      choices: [
        { text: 'Hello there', index: 0, logprobs: null, finish_reason: 'stop' },
        { text: 'Hello there', index: 1, logprobs: null, finish_reason: 'length' },
        { text: 'Hello', index: 2, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 7, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 }, cost: 0.001234 },
    });
  });

  test('a stream: whole chunks, one id, echo before each choice\'s first text, finish on the last, usage chunk only when asked, then [DONE]', () => {
    const encoder = createCompletionsStreamEncoder({ model: 'my-model', echo: '> ', includeUsage: true });
    const sse = [
      encoder.chunk({ chunk: chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]) }, undefined),
      encoder.chunk({ chunk: chunk([{ index: 0, delta: { reasoning_content: 'thinking' }, finish_reason: null }]) }, undefined),
      encoder.chunk({ chunk: chunk([{ index: 0, delta: { content: 'Hi' }, finish_reason: null }, { index: 1, delta: { content: 'Yo' }, finish_reason: null }]) }, undefined),
      encoder.chunk({ chunk: chunk([{ index: 0, delta: { content: '!' }, finish_reason: 'stop' }]) }, undefined),
      encoder.chunk({ chunk: chunk([{ index: 1, delta: {}, finish_reason: 'length' }]) }, undefined),
      encoder.chunk({ chunk: chunk([], { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }) }, { promptTokens: 3, completionTokens: 4 }),
      encoder.end({ promptTokens: 3, completionTokens: 4 }, 20),
    ].join('');
    const events = payloads(sse) as { id: string; choices: unknown[]; usage?: unknown }[];
    const id = events[0]!.id;
    assert.match(id, /^cmpl-/);
    const head = { id, object: 'text_completion', created: 1_764_000_000, model: 'my-model' };
    assert.deepEqual(events, [
      { ...head, choices: [{ text: '> Hi', index: 0, logprobs: null, finish_reason: null }, { text: '> Yo', index: 1, logprobs: null, finish_reason: null }] },
      { ...head, choices: [{ text: '!', index: 0, logprobs: null, finish_reason: 'stop' }] },
      { ...head, choices: [{ text: '', index: 1, logprobs: null, finish_reason: 'length' }] },
      { ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, cost: 0.00002 } },
      '[DONE]',
    ]);
    const quiet = createCompletionsStreamEncoder({ model: 'm', echo: '', includeUsage: false });
    assert.equal(quiet.end({ promptTokens: 3, completionTokens: 4 }, 20), 'data: [DONE]\n\n');
  });
});
