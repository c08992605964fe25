import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../../src/core/gateway-error.ts';
import { readChatUsage, type TokenUsage } from '../../../src/core/usage.ts';
import type { ResponsesRequest } from '../../../src/dialects/openai-responses/responses-api.ts';
import { createResponsesStreamEncoder } from '../../../src/dialects/openai-responses/responses-stream-encoder.ts';
import { readSseEvents } from '../../../src/streaming/read-sse-events.ts';

const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url);

/** A chat stream fixture (SSE bytes as the provider simulators send them, provider quirks included) as hub chunks. */
async function readChatChunks(name: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const event of readSseEvents([readFileSync(fixture(name))])) {
    if (event.data !== '[DONE]') chunks.push(JSON.parse(event.data) as ChatCompletionChunk);
  }
  return chunks;
}

/** Runs the encoder the way the relay does and parses what it wrote back into events. */
async function encode(chunks: ChatCompletionChunk[], request: ResponsesRequest, readUsage = readChatUsage): Promise<{ name: string | undefined; data: Record<string, any> }[]> {
  const encoder = createResponsesStreamEncoder({ id: 'resp_test', createdAt: 1_700_000_000, model: request.model, request });
  let text = '';
  let lastUsage: TokenUsage | undefined;
  for (const chunk of chunks) {
    const usage = readUsage(chunk.usage);
    if (usage) lastUsage = usage;
    text += encoder.chunk({ chunk }, usage);
  }
  text += encoder.end(lastUsage);
  const events = [];
  for await (const event of readSseEvents([text])) events.push({ name: event.event, data: JSON.parse(event.data) as Record<string, any> });
  return events;
}

/** Item ids are random and `completed_at` is the clock: both replaced by stable placeholders. */
function normalise(events: { data: Record<string, any> }[]): unknown[] {
  const ids = new Map<string, string>();
  const text = JSON.stringify(events.map((event) => event.data)).replace(/\b(msg|fc|rs)_[0-9a-f]{50}\b/g, (id, prefix: string) => {
    if (!ids.has(id)) ids.set(id, `${prefix}_${ids.size + 1}`);
    return ids.get(id)!;
  });
  return JSON.parse(text.replace(/"completed_at":\d+/g, '"completed_at":"<now>"'));
}

/** xAI leaves reasoning out of `completion_tokens`; its adapter adds it back, as here. */
function readXaiUsage(usage: ChatCompletionChunk['usage']): TokenUsage | undefined {
  const tokens = readChatUsage(usage);
  return tokens && { ...tokens, completionTokens: tokens.completionTokens + (tokens.reasoningTokens ?? 0) };
}

describe('createResponsesStreamEncoder', () => {
  const cases = [
    { chat: 'fireworks-gpt-oss-reasoning-text.chat.sse', expected: 'fireworks-gpt-oss-reasoning-text.responses.json', request: { model: 'gpt-oss', input: 'Name three colours.', stream: true, store: false } },
    {
      chat: 'fireworks-gpt-oss-tool-call.chat.sse',
      expected: 'fireworks-gpt-oss-tool-call.responses.json',
      request: { model: 'gpt-oss', input: 'Weather in Paris?', stream: true, store: false, tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }] },
    },
    {
      chat: 'xai-grok-parallel-tool-calls.chat.sse',
      expected: 'xai-grok-parallel-tool-calls.responses.json',
      request: { model: 'grok-4', input: 'Use both tools in parallel please', stream: true, store: false, max_output_tokens: 300 },
      readUsage: readXaiUsage,
    },
  ];
  for (const { chat, expected, request, readUsage } of cases) {
    it(`translates ${chat} into exactly the Responses events of ${expected}`, async () => {
      const events = await encode(await readChatChunks(chat), request as ResponsesRequest, readUsage);
      for (const event of events) assert.equal(event.name, event.data.type, 'the SSE event name is the event type');
      assert.deepEqual(events.map((event) => event.data.sequence_number), events.map((_, index) => index));
      assert.deepEqual(normalise(events), JSON.parse(readFileSync(fixture(expected), 'utf8')));
    });
  }

  it('keeps parallel tool calls apart: one function_call item each, its own arguments, output_index in order', async () => {
    const events = await encode(await readChatChunks('xai-grok-parallel-tool-calls.chat.sse'), { model: 'grok-4', stream: true });
    const output = events.at(-1)!.data.response.output as { type: string; name: string; call_id: string; arguments: string }[];
    assert.deepEqual(output.map((item) => [item.type, item.name, item.call_id, item.arguments]), [
      ['function_call', 'get_weather', 'call_71744565', '{"city":"city from simulator"}'],
      ['function_call', 'get_time', 'call_02826171', '{"zone":"zone from simulator"}'],
    ]);
    const added = events.filter((event) => event.data.type === 'response.output_item.added').map((event) => event.data.output_index);
    assert.deepEqual(added, [0, 1]);
  });

  it('an answer cut by the token limit ends `response.incomplete`, its message `incomplete`', async () => {
    const chunk = (delta: object, finish: string | null = null) => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] }) as ChatCompletionChunk;
    const events = await encode([chunk({ content: 'Once upon' }), chunk({}, 'length')], { model: 'm' });
    const last = events.at(-1)!.data;
    assert.equal(last.type, 'response.incomplete');
    assert.equal(last.response.status, 'incomplete');
    assert.deepEqual(last.response.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(last.response.output[0].status, 'incomplete');
  });

  it('an empty stream is still a complete response with one empty message', async () => {
    const events = await encode([], { model: 'm' });
    assert.deepEqual(events.map((event) => event.data.type), [
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
  });

  it('a failure midway is an `error` event the SDKs raise (nested `error`, and the documented top-level fields), then `response.failed`', async () => {
    const encoder = createResponsesStreamEncoder({ id: 'resp_test', createdAt: 1, model: 'm', request: { model: 'm' } });
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] } as ChatCompletionChunk;
    const text = encoder.chunk({ chunk }, undefined) + encoder.error(GATEWAY_ERRORS.upstreamStreamInterrupted('xai', 'socket hang up'));
    const events = [];
    for await (const event of readSseEvents([text])) events.push(JSON.parse(event.data));
    const [error, failed] = events.slice(-2);
    assert.equal(error.type, 'error');
    assert.equal(error.code, 'upstream_stream_interrupted');
    assert.match(error.message, /socket hang up/);
    assert.deepEqual(error.error, { type: 'upstream_error', code: 'upstream_stream_interrupted', message: error.message, param: null });
    assert.equal(failed.type, 'response.failed');
    assert.equal(failed.response.status, 'failed');
    assert.deepEqual(failed.response.error, { code: 'upstream_stream_interrupted', message: error.message });
    assert.equal(failed.sequence_number, error.sequence_number + 1);
  });
});
