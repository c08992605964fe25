import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.ts';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { decodeGeminiStream } from '../../../src/providers/google/decode-gemini-stream.ts';
import { decodeGeminiToolCallId } from '../../../src/providers/google/gemini-tool-call-id.ts';
import { readSseEvents } from '../../../src/streaming/read-sse-events.ts';

const context = { requestId: 'req_1', upstreamId: 'gemini-3-pro-preview', created: 1_700_000_000, secrets: ['AIza-secret-key'] };

/** The fixture's bytes, CRLF framing included, cut into small pieces so the SSE parser is exercised too. */
async function* fixtureBytes(name: string): AsyncGenerator<Uint8Array> {
  const bytes = readFileSync(new URL(`../../fixtures/gemini/${name}`, import.meta.url));
  for (let start = 0; start < bytes.length; start += 7) yield bytes.subarray(start, start + 7);
}

async function decode(name: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const event of decodeGeminiStream(readSseEvents(fixtureBytes(name)), context)) chunks.push(event.chunk);
  return chunks;
}

async function failure(name: string): Promise<GatewayError> {
  try {
    await decode(name);
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail('expected the stream to fail');
}

const base = (id: string, model: string) => ({ id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: 1_700_000_000, model });

describe('decodeGeminiStream', () => {
  it('turns thought summaries into reasoning_content, text into content, and ends with a finish chunk and one usage-only chunk', async () => {
    const chunk = base('yHUfadXGN5Wm0-kPxcjN4Ao', 'gemini-3-pro-preview');
    assert.deepEqual(await decode('thinking-text.sse'), [
      { ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { ...chunk, choices: [{ index: 0, delta: { reasoning_content: '**Listing rainbow colours**\n\nThe user wants three colours; I will pick the first three.' }, finish_reason: null }] },
      { ...chunk, choices: [{ index: 0, delta: { content: 'Red, orange' }, finish_reason: null }] },
      // The signature on the last text part is not a thought: it stays out of the text.
      { ...chunk, choices: [{ index: 0, delta: { content: ' and yellow.' }, finish_reason: null }] },
      { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'STOP' }] },
      {
        ...chunk,
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 147, total_tokens: 156, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 140 } },
      },
    ]);
  });

  it('gives each whole function call its own tool_calls delta, indexed by its position among the calls, and finishes with tool_calls', async () => {
    const chunks = await decode('parallel-function-calls.sse');
    const chunk = base('FXYfaZDnDJ2k0-kPlM2ZgAc', 'gemini-3-pro-preview');
    const first = chunks[2]!.choices[0]!.delta.tool_calls![0]!;
    const second = chunks[3]!.choices[0]!.delta.tool_calls![0]!;
    assert.deepEqual(chunks, [
      { ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
      { ...chunk, choices: [{ index: 0, delta: { content: 'Checking both now.' }, finish_reason: null }] },
      { ...chunk, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: first.id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, finish_reason: null }] },
      { ...chunk, choices: [{ index: 0, delta: { tool_calls: [{ index: 1, id: second.id, type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Paris"}' } }] }, finish_reason: null }] },
      { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls', native_finish_reason: 'STOP' }] },
      {
        ...chunk,
        choices: [],
        usage: { prompt_tokens: 88, completion_tokens: 227, total_tokens: 315, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 203 } },
      },
    ]);
    // Gemini sent no ids: stable `call_…` ids, the first carrying the thought signature Gemini 3 wants back.
    assert.deepEqual(decodeGeminiToolCallId(first.id!), { id: first.id!.split('__thought__')[0], thoughtSignature: 'CrwBAdHtim9wYXJhbGxlbC1maXJzdC1jYWxsLXNpZw==' });
    assert.match(first.id!, /^call_[A-Za-z0-9]{24}__thought__[A-Za-z0-9_-]+$/);
    assert.match(second.id!, /^call_[A-Za-z0-9]{24}$/);
    assert.notEqual(first.id, second.id);
    assert.deepEqual((await decode('parallel-function-calls.sse'))[2], chunks[2], 'the same answer yields the same ids');
  });

  it('ends a filtered answer with content_filter after the text that came before the block', async () => {
    const chunks = await decode('safety.sse');
    assert.deepEqual(
      chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason]),
      [[{ role: 'assistant', content: '' }, null], [{ content: 'Step one:' }, null], [{}, 'content_filter'], [undefined, undefined]],
    );
    assert.equal(chunks[2]!.choices[0]!.native_finish_reason, 'SAFETY');
  });

  it('refuses a blocked prompt on the first chunk, before anything is relayed', async () => {
    const error = await failure('prompt-blocked.sse');
    assert.equal(error.status, 400);
    assert.equal(error.code, 'prompt_blocked');
    assert.match(error.message, /blockReason: SAFETY; HARM_CATEGORY_DANGEROUS_CONTENT/);
  });

  it('fails with the error event Gemini sends mid-stream', async () => {
    const error = await failure('interrupted-by-error.sse');
    assert.equal(error.code, 'upstream_stream_interrupted');
    assert.match(error.message, /UNAVAILABLE: The model is overloaded/);
  });

  it('fails a stream that ends before any candidate finished', async () => {
    const error = await failure('cut-off.sse');
    assert.equal(error.code, 'upstream_stream_interrupted');
    assert.match(error.message, /closed before the answer finished/);
  });
});
