import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import type { ChatCompletionChunk } from '../../../src/core/chat-types.ts';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { decodeAnthropicStream } from '../../../src/providers/anthropic/decode-anthropic-stream.ts';
import { readSseEvents } from '../../../src/streaming/read-sse-events.ts';

const CREATED = 1_700_000_000;

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');
}

/** The fixture's bytes in 7-byte pieces, so events cross chunk boundaries as they do on the wire. */
function wire(text: string): Readable {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += 7) pieces.push(bytes.subarray(start, start + 7));
  return Readable.from(pieces);
}

function decode(text: string) {
  return decodeAnthropicStream(readSseEvents(wire(text)), { provider: 'anthropic', created: CREATED, secrets: ['sk-ant-secret'] });
}

async function collect(text: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const event of decode(text)) chunks.push(event.chunk);
  return chunks;
}

function chunk(id: string, model: string, delta: Record<string, unknown>, finishReason: string | null = null): ChatCompletionChunk {
  return { id, object: 'chat.completion.chunk', created: CREATED, model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

function usageChunk(id: string, model: string, usage: ChatCompletionChunk['usage']): ChatCompletionChunk {
  return { id, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage };
}

describe('decodeAnthropicStream', () => {
  test('a text stream becomes a role chunk, content deltas, a finish chunk and a usage-only chunk (ping dropped)', async () => {
    const id = 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY';
    const model = 'claude-opus-4-6';
    assert.deepEqual(await collect(fixture('text.sse')), [
      chunk(id, model, { role: 'assistant', content: '' }),
      chunk(id, model, { content: 'Hello' }),
      chunk(id, model, { content: '!' }),
      chunk(id, model, {}, 'stop'),
      usageChunk(id, model, { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 }),
    ]);
  });

  test('the text Claude writes before its tool_use does not shift the call: it gets tool index 0, its arguments arrive in fragments', async () => {
    const id = 'msg_014p7gG3wDgGV9EUtLvnow3U';
    const model = 'claude-opus-4-6';
    const text = ['Okay', ',', ' let', "'s", ' check', ' the', ' weather', ' for', ' San', ' Francisco', ',', ' CA', ':'];
    const fragments = ['{"location":', ' "San', ' Francisc', 'o,', ' CA"', ', ', '"unit": "fah', 'renheit"}'];
    assert.deepEqual(await collect(fixture('tool-use.sse')), [
      chunk(id, model, { role: 'assistant', content: '' }),
      ...text.map((piece) => chunk(id, model, { content: piece })),
      chunk(id, model, { tool_calls: [{ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      // The empty first input_json_delta carries nothing and is skipped.
      ...fragments.map((arguments_) => chunk(id, model, { tool_calls: [{ index: 0, function: { arguments: arguments_ } }] })),
      chunk(id, model, {}, 'tool_calls'),
      usageChunk(id, model, { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 }),
    ]);
  });

  test('two parallel tool_use blocks become tool indexes 0 and 1, each with its own id and argument stream', async () => {
    const chunks = await collect(fixture('parallel-tool-use.sse'));
    const calls: { id: string; name: string; arguments: string }[] = [];
    for (const piece of chunks) {
      for (const call of piece.choices[0]?.delta.tool_calls ?? []) {
        calls[call.index] ??= { id: '', name: '', arguments: '' };
        calls[call.index].id += call.id ?? '';
        calls[call.index].name += call.function?.name ?? '';
        calls[call.index].arguments += call.function?.arguments ?? '';
      }
    }
    assert.deepEqual(calls, [
      { id: 'toolu_01WeatherParis0000000001', name: 'get_weather', arguments: '{"city": "Paris"}' },
      { id: 'toolu_01TimeParis00000000000002', name: 'get_time', arguments: '{"zone": "Europe/Paris"}' },
    ]);
    const indexes = chunks.flatMap((piece) => piece.choices[0]?.delta.tool_calls?.map((call) => call.index) ?? []);
    assert.deepEqual(indexes, [0, 0, 0, 1, 1, 1]);
    assert.deepEqual(chunks.at(-1)?.usage, {
      prompt_tokens: 612,
      completion_tokens: 118,
      total_tokens: 730,
      prompt_tokens_details: { cached_tokens: 0 },
      cache_creation_input_tokens: 0,
    });
  });

  test('thinking_delta becomes reasoning_content; the signature is dropped; a stream without usage ends without a usage chunk', async () => {
    const id = 'msg_01SNMeEqpR3kRMhMkPCU4oGT';
    const model = 'claude-sonnet-4-6';
    assert.deepEqual(await collect(fixture('thinking.sse')), [
      chunk(id, model, { role: 'assistant', content: '' }),
      chunk(id, model, { reasoning_content: 'I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147' }),
      chunk(id, model, { reasoning_content: '\n462 = 3 × 147 + 21\n147 = 7 × 21 + 0\n\nSo GCD(1071, 462) = 21' }),
      chunk(id, model, { content: 'The greatest common divisor of 1071 and 462 is **21**.' }),
      chunk(id, model, {}, 'stop'),
    ]);
  });

  test('an error event mid-stream is thrown as a retryable overload after the chunks before it', async () => {
    const id = 'msg_01OverloadedMidStream0001';
    const model = 'claude-sonnet-4-6';
    const received: ChatCompletionChunk[] = [];
    await assert.rejects(
      async () => {
        for await (const event of decode(fixture('error-event.sse'))) received.push(event.chunk);
      },
      (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.code, 'upstream_overloaded');
        assert.equal(error.status, 503);
        assert.equal(error.retryable, true);
        return true;
      },
    );
    assert.deepEqual(received, [chunk(id, model, { role: 'assistant', content: '' }), chunk(id, model, { content: 'Let me think' })]);
  });

  test('an error event right after message_start fails the first read, before any chunk, so the call can still be retried', async () => {
    const events = [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}\n\n',
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Internal server error"}}\n\n',
    ].join('');
    const iterator = decode(events);
    await assert.rejects(iterator.next(), (error: unknown) => error instanceof GatewayError && error.retryable && error.status === 502);
  });

  test('a stream that closes before message_delta is an interrupted stream', async () => {
    const text = fixture('text.sse');
    const cut = text.slice(0, text.indexOf('event: message_delta'));
    await assert.rejects(collect(cut), (error: unknown) => error instanceof GatewayError && error.code === 'upstream_stream_interrupted');
  });

  test('a stream whose message_stop went missing after message_delta is complete', async () => {
    const text = fixture('text.sse');
    const chunks = await collect(text.slice(0, text.indexOf('event: message_stop')));
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1)?.choices, []);
  });

  test('an event that is not JSON is an interrupted stream, not a crash', async () => {
    await assert.rejects(collect('event: message_start\ndata: {not json\n\n'), (error: unknown) => error instanceof GatewayError && error.code === 'upstream_stream_interrupted');
  });

  test('a tool_use block without input_json_delta gets arguments a client can parse', async () => {
    const events = [
      '{"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_a","name":"now","input":{}}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_b","name":"echo","input":{"text":"hi"}}}',
      '{"type":"content_block_stop","index":1}',
      '{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}}',
      '{"type":"message_stop"}',
    ].map((data) => `data: ${data}\n\n`).join('');
    const chunks = await collect(events);
    const argumentsByIndex = chunks.flatMap((piece) => piece.choices[0]?.delta.tool_calls ?? []).filter((call) => call.function?.arguments).map((call) => [call.index, call.function?.arguments]);
    assert.deepEqual(argumentsByIndex, [[0, '{}'], [1, '{"text":"hi"}']]);
  });

  test('cumulative usage on message_delta (cache reads and writes included) wins over message_start', async () => {
    const events = [
      '{"type":"message_start","message":{"id":"msg_3","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":12,"cache_creation_input_tokens":2048,"cache_read_input_tokens":4096,"output_tokens":30}}',
      '{"type":"message_stop"}',
    ].map((data) => `event: x\ndata: ${data}\n\n`).join('');
    const chunks = await collect(events);
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, 'length');
    assert.deepEqual(chunks.at(-1)?.usage, {
      prompt_tokens: 12 + 2048 + 4096,
      completion_tokens: 30,
      total_tokens: 12 + 2048 + 4096 + 30,
      prompt_tokens_details: { cached_tokens: 4096 },
      cache_creation_input_tokens: 2048,
    });
  });

  test('event and block types added later are skipped', async () => {
    const events = [
      '{"type":"message_start","message":{"id":"msg_4","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}',
      '{"type":"future_event","value":1}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"q\\":1}"}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"content_block_start","index":1,"content_block":{"type":"text","text":"Found."}}',
      '{"type":"content_block_stop","index":1}',
      '{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}',
      '{"type":"message_stop"}',
    ].map((data) => `data: ${data}\n\n`).join('');
    const chunks = await collect(events);
    assert.deepEqual(chunks.map((piece) => piece.choices[0]?.delta ?? 'usage'), [{ role: 'assistant', content: '' }, { content: 'Found.' }, {}, 'usage']);
  });
});
