import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.ts';
import { GATEWAY_ERRORS } from '../../../src/core/gateway-error.ts';
import { createMessagesStreamEncoder } from '../../../src/dialects/anthropic-messages/messages-stream-encoder.ts';
import { readSseEvents } from '../../../src/streaming/read-sse-events.ts';

function chunk(delta: ChatCompletionChunk['choices'][number]['delta'], finishReason: string | null = null): ChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-mini', choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

/** Encodes a hub stream and parses the SSE back, so the framing is checked too. */
async function encode(chunks: ChatCompletionChunk[], usage = { promptTokens: 20, completionTokens: 9, cachedPromptTokens: 4 }) {
  const encoder = createMessagesStreamEncoder({ messageId: 'msg_1', model: 'gpt-5-mini' });
  const text = chunks.map((item) => encoder.chunk({ chunk: item }, undefined)).join('') + encoder.end(usage);
  const events = [];
  for await (const event of readSseEvents([text])) {
    const data = JSON.parse(event.data);
    assert.equal(event.event, data.type, 'the event line names the data type');
    events.push(data);
  }
  return events;
}

describe('createMessagesStreamEncoder', () => {
  it('writes text as one text block between message_start/ping and message_delta/message_stop', async () => {
    const events = await encode([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello' }), chunk({ content: ' there' }), chunk({}, 'stop')]);
    assert.deepEqual(events.map((event) => event.type), ['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    assert.deepEqual(events[2], { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    assert.deepEqual(events[3].delta, { type: 'text_delta', text: 'Hello' });
    assert.deepEqual(events[6], {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 16, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 4 },
    });
  });

  it('gives text, then each tool call, its own block; arguments arrive as input_json_delta on the right block', async () => {
    const events = await encode([
      chunk({ role: 'assistant', content: 'Let me check.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const starts = events.filter((event) => event.type === 'content_block_start');
    assert.deepEqual(starts.map((event) => [event.index, event.content_block.type, event.content_block.id, event.content_block.name]), [
      [0, 'text', undefined, undefined],
      [1, 'tool_use', 'call_a', 'get_weather'],
      [2, 'tool_use', 'call_b', 'get_time'],
    ]);
    const json = (index: number) => events.filter((event) => event.type === 'content_block_delta' && event.index === index).map((event) => event.delta.partial_json).join('');
    assert.deepEqual(JSON.parse(json(1)), { city: 'Paris' });
    assert.deepEqual(JSON.parse(json(2)), { zone: 'CET' });
    assert.equal(events.filter((event) => event.type === 'content_block_stop').length, 3, 'every block is closed');
    assert.equal(events.find((event) => event.type === 'message_delta').delta.stop_reason, 'tool_use');
  });

  it('writes reasoning_content as a thinking block before the text', async () => {
    const events = await encode([chunk({ reasoning_content: 'Thinking…' }), chunk({ content: 'Answer.' }), chunk({}, 'length')]);
    const starts = events.filter((event) => event.type === 'content_block_start').map((event) => event.content_block.type);
    assert.deepEqual(starts, ['thinking', 'text']);
    assert.deepEqual(events.find((event) => event.type === 'content_block_delta').delta, { type: 'thinking_delta', thinking: 'Thinking…' });
    assert.equal(events.find((event) => event.type === 'message_delta').delta.stop_reason, 'max_tokens');
  });

  it('reports a failure after the start as an Anthropic error event', async () => {
    const encoder = createMessagesStreamEncoder({ messageId: 'msg_1', model: 'gpt-5-mini' });
    const text = encoder.chunk({ chunk: chunk({ content: 'Hi' }) }, undefined) + encoder.error(GATEWAY_ERRORS.upstreamStreamInterrupted('openai', 'reset'));
    const events = [];
    for await (const event of readSseEvents([text])) events.push(event);
    const last = events.at(-1)!;
    assert.equal(last.event, 'error');
    assert.deepEqual(JSON.parse(last.data), { type: 'error', error: { type: 'api_error', message: "Provider 'openai' stream ended abnormally: reset" } });
  });
});
