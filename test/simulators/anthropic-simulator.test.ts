import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { readSseEvents } from '../../src/streaming/read-sse-events.ts';

let simulators: Simulators;

before(async () => {
  simulators = await startSimulators();
});

after(async () => {
  await simulators.close();
});

beforeEach(() => {
  simulators.reset();
});

const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };
const WEATHER = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const TIME = { name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

async function call(path: string, body?: unknown, headers: Record<string, string> = HEADERS, method = body === undefined ? 'GET' : 'POST') {
  const response = await fetch(`${simulators.baseUrls.anthropic}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

function message(body: Record<string, unknown>) {
  return call('/v1/messages', { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello there' }], ...body });
}

async function refusal(body: Record<string, unknown>): Promise<{ status: number; type: string; message: string }> {
  const response = await message(body);
  const parsed = response.json();
  assert.equal(parsed.type, 'error');
  return { status: response.status, type: parsed.error.type, message: parsed.error.message };
}

async function frames(text: string) {
  const events = [];
  for await (const event of readSseEvents(Readable.from([text]))) events.push({ event: event.event, data: JSON.parse(event.data) });
  return events;
}

describe('Anthropic simulator: authentication and errors', () => {
  test('no key is a 401 authentication_error whose request_id is the request-id header', async () => {
    const response = await call('/v1/messages', { model: 'claude-sonnet-4-6' }, { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
    assert.equal(response.status, 401);
    assert.deepEqual(response.json(), { type: 'error', error: { type: 'authentication_error', message: 'x-api-key header is required' }, request_id: response.headers.get('request-id') });
    assert.match(response.headers.get('request-id') ?? '', /^req_011C\w{20}$/);
  });

  test('Authorization: Bearer is accepted too; anthropic-version is required and must be a known version', async () => {
    const bearer = await call('/v1/messages', { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] }, { 'content-type': 'application/json', authorization: 'Bearer token', 'anthropic-version': '2023-06-01' });
    assert.equal(bearer.status, 200);
    const missing = await call('/v1/messages', {}, { 'content-type': 'application/json', 'x-api-key': 'k' });
    assert.equal(missing.status, 400);
    assert.equal(missing.json().error.message, 'anthropic-version: header is required');
    const invalid = await call('/v1/messages', {}, { ...HEADERS, 'anthropic-version': '2023-06-01, 2023-06-01' });
    assert.equal(invalid.json().error.message, 'anthropic-version: "2023-06-01, 2023-06-01" is not a valid version');
  });

  test('an unknown model is a 404 not_found_error', async () => {
    assert.deepEqual(await refusal({ model: 'claude-3-nope' }), { status: 404, type: 'not_found_error', message: 'model: claude-3-nope' });
  });

  test('the validation the real API does, in its words', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ max_tokens: undefined }, 'max_tokens: Field required'],
      [{ messages: [] }, 'messages: at least one message is required'],
      [{ messages: [{ role: 'tool', content: 'x' }] }, "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
      [{ messages: [{ role: 'user', content: '' }] }, 'messages.0: all messages must have non-empty content except for the optional final assistant message'],
      [{ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, 'messages: text content blocks must be non-empty'],
      [{ temperature: 1.5 }, 'temperature: range: 0..1'],
      [{ max_tokens: 128_001 }, 'max_tokens: 128001 > 128000, which is the maximum allowed number of output tokens for claude-sonnet-4-6'],
      [{ thinking: { type: 'enabled', budget_tokens: 512 } }, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024'],
      [{ max_tokens: 2000, tools: [WEATHER], tool_choice: { type: 'any' }, thinking: { type: 'enabled', budget_tokens: 1024 } }, 'Thinking may not be enabled when tool_choice forces tool use.'],
      [{ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: PNG } }] }] }, "messages.0.content.0.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"],
      [
        { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_ghost', content: 'x' }] }] },
        'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_ghost. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
      ],
      [
        { messages: [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] }, { role: 'user', content: 'Well?' }] },
        'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
      ],
    ];
    for (const [body, expected] of cases) {
      const answer = await refusal(body);
      assert.deepEqual(answer, { status: 400, type: 'invalid_request_error', message: expected }, JSON.stringify(body));
    }
    const budget = await refusal({ max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 1024 } });
    assert.match(budget.message, /^`max_tokens` must be greater than `thinking.budget_tokens`/);
    const temperature = await refusal({ max_tokens: 2048, temperature: 0.5, thinking: { type: 'enabled', budget_tokens: 1024 } });
    assert.match(temperature.message, /^`temperature` may only be set to 1 when thinking is enabled/);
  });

  test('API version 2026-10-21 refuses the sampling parameters, even at their defaults; 2023-06-01 takes them', async () => {
    const body = { model: 'claude-sonnet-4-6', max_tokens: 100, temperature: 1, messages: [{ role: 'user', content: 'Hi' }] };
    const current = await call('/v1/messages', body, { ...HEADERS, 'anthropic-version': '2026-10-21' });
    assert.equal(current.status, 400);
    assert.equal(current.json().error.message, 'temperature: Extra inputs are not permitted');
    assert.equal((await call('/v1/messages', body)).status, 200);
    const { temperature: _removed, ...plain } = body;
    assert.equal((await call('/v1/messages', plain, { ...HEADERS, 'anthropic-version': '2026-10-21' })).status, 200);
  });

  test('system messages of text are accepted in the list, outside the user/assistant turns', async () => {
    const response = await message({
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
        { role: 'system', content: 'From now on, answer in French.' },
        { role: 'user', content: 'Merci' },
      ],
    });
    assert.equal(response.status, 200);
    const refused = await refusal({ messages: [{ role: 'system', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }, { role: 'user', content: 'Hi' }] });
    assert.equal(refused.message, 'messages.0.content.0: system messages take text blocks only');
  });

  test('consecutive turns of one role are combined, not refused', async () => {
    const response = await message({ messages: [{ role: 'user', content: 'One' }, { role: 'user', content: 'Two' }, { role: 'assistant', content: 'Ok' }, { role: 'assistant', content: 'Sure' }, { role: 'user', content: 'Three' }] });
    assert.equal(response.status, 200);
  });

  test('while thinking, a tool result must answer an assistant turn that starts with a thinking block', async () => {
    const messages = [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
    ];
    const refused = await refusal({ max_tokens: 2048, tools: [WEATHER], thinking: { type: 'enabled', budget_tokens: 1024 }, messages });
    assert.match(refused.message, /^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
    messages[1]!.content = [{ type: 'thinking', thinking: 'Call it.', signature: 'sig' } as never, ...(messages[1]!.content as never[])];
    assert.equal((await message({ max_tokens: 2048, tools: [WEATHER], thinking: { type: 'enabled', budget_tokens: 1024 }, messages })).status, 200);
  });

  test('scripted faults answer in Anthropic error bodies: 529 overloaded, 429 with retry-after', async () => {
    simulators.addFault({ provider: 'anthropic', status: 529 });
    const overloaded = await message({});
    assert.equal(overloaded.status, 529);
    assert.deepEqual(overloaded.json().error, { type: 'overloaded_error', message: 'Overloaded' });
    simulators.addFault({ provider: 'anthropic', status: 429 });
    const limited = await message({});
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal(limited.json().error.type, 'rate_limit_error');
  });
});

describe('Anthropic simulator: answers', () => {
  test('a text answer: dated snapshot for an alias, text block, end_turn, usage with cache fields and service tier', async () => {
    const response = await message({ model: 'claude-haiku-4-5' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    const body = response.json();
    assert.match(body.id, /^msg_01\w{22}$/);
    assert.deepEqual({ ...body, id: 'msg' }, {
      id: 'msg',
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5-20251001',
      content: [{ type: 'text', text: 'You said: "Hello there". This is a simulated reply.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: body.usage.input_tokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        output_tokens: 13,
        service_tier: 'standard',
      },
    });
    assert.ok(body.usage.input_tokens > 0);
  });

  test('with tools, Claude writes a short text block BEFORE its tool_use; forced tool_choice goes straight to the call', async () => {
    const free = (await message({ tools: [WEATHER], messages: [{ role: 'user', content: 'Weather in Paris?' }] })).json();
    assert.equal(free.stop_reason, 'tool_use');
    assert.deepEqual(free.content.map((block: { type: string }) => block.type), ['text', 'tool_use']);
    assert.equal(free.content[1].name, 'get_weather');
    assert.deepEqual(free.content[1].input, { city: 'city from simulator' });
    assert.match(free.content[1].id, /^toolu_01\w{22}$/);

    const forced = (await message({ tools: [WEATHER], tool_choice: { type: 'tool', name: 'get_weather' }, messages: [{ role: 'user', content: 'Weather in Paris?' }] })).json();
    assert.deepEqual(forced.content.map((block: { type: string }) => block.type), ['tool_use']);
    const none = (await message({ tools: [WEATHER], tool_choice: { type: 'none' } })).json();
    assert.equal(none.stop_reason, 'end_turn');
  });

  test('"parallel" asks give several tool_use blocks, unless parallel tool use is disabled', async () => {
    const parallel = (await message({ tools: [WEATHER, TIME], messages: [{ role: 'user', content: 'Use parallel calls for weather and time' }] })).json();
    assert.deepEqual(parallel.content.map((block: { type: string; name?: string }) => block.name ?? block.type), ['text', 'get_weather', 'get_time']);
    const single = (await message({ tools: [WEATHER, TIME], tool_choice: { type: 'auto', disable_parallel_tool_use: true }, messages: [{ role: 'user', content: 'Use parallel calls for weather and time' }] })).json();
    assert.deepEqual(single.content.map((block: { type: string; name?: string }) => block.name ?? block.type), ['text', 'get_weather']);
  });

  test('a tool_result is answered by quoting it', async () => {
    const body = (
      await message({
        tools: [WEATHER],
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '21 degrees' }] }] },
        ],
      })
    ).json();
    assert.deepEqual(body.content, [{ type: 'text', text: 'The tool returned: 21 degrees.' }]);
  });

  test('thinking gives a signed thinking block first, counted in output_tokens', async () => {
    const body = (await message({ max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } })).json();
    assert.deepEqual(body.content.map((block: { type: string }) => block.type), ['thinking', 'text']);
    assert.ok(body.content[0].thinking.length > 0);
    assert.ok(body.content[0].signature.length > 40);
    const plain = (await message({ max_tokens: 4000 })).json();
    assert.ok(body.usage.output_tokens > plain.usage.output_tokens);
  });

  test('images are accepted as base64 and url sources', async () => {
    const response = await message({
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }, { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } }, { type: 'text', text: 'Describe' }] }],
    });
    assert.equal(response.status, 200);
  });

  test('stop_sequences cut the text (stop_reason stop_sequence); a small max_tokens cuts it too (max_tokens)', async () => {
    const stopped = (await message({ stop_sequences: ['simulated'] })).json();
    assert.equal(stopped.stop_reason, 'stop_sequence');
    assert.equal(stopped.stop_sequence, 'simulated');
    assert.equal(stopped.content[0].text, 'You said: "Hello there". This is a ');
    const cut = (await message({ max_tokens: 3 })).json();
    assert.equal(cut.stop_reason, 'max_tokens');
    assert.equal(cut.content[0].text.length, 12);
  });

  test('structured outputs answer a JSON document that follows the schema', async () => {
    const body = (await message({ output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } } })).json();
    assert.deepEqual(JSON.parse(body.content[0].text), { city: 'city from simulator' });
  });

  test('prompt caching: a breakpoint past the model minimum writes the prefix, the same prefix again reads it; short prefixes are not cached', async () => {
    const manual = 'Switchyard manual. '.repeat(400);
    const request = { system: [{ type: 'text', text: manual, cache_control: { type: 'ephemeral' } }] };
    const first = (await message(request)).json().usage;
    assert.ok(first.cache_creation_input_tokens > 1024, 'the prefix is written');
    assert.equal(first.cache_read_input_tokens, 0);
    assert.equal(first.cache_creation.ephemeral_5m_input_tokens, first.cache_creation_input_tokens);
    const second = (await message({ ...request, messages: [{ role: 'user', content: 'Another question' }] })).json().usage;
    assert.equal(second.cache_read_input_tokens, first.cache_creation_input_tokens, 'the same prefix is read');
    assert.equal(second.cache_creation_input_tokens, 0);
    const total = (usage: typeof first) => usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens;
    assert.ok(second.input_tokens < total(second));

    // Haiku 4.5 caches nothing under 4096 tokens.
    const short = (await message({ model: 'claude-haiku-4-5', ...request })).json().usage;
    assert.deepEqual([short.cache_creation_input_tokens, short.cache_read_input_tokens], [0, 0]);
  });

  test('count_tokens counts what /v1/messages bills as input', async () => {
    const body = { model: 'claude-sonnet-4-6', system: 'Be brief.', tools: [WEATHER], messages: [{ role: 'user', content: 'Weather in Paris?' }] };
    const counted = await call('/v1/messages/count_tokens', body);
    assert.equal(counted.status, 200);
    const answered = (await call('/v1/messages', { ...body, max_tokens: 100 })).json();
    assert.deepEqual(counted.json(), { input_tokens: answered.usage.input_tokens });
  });

  test('models: the list holds snapshots newest first; an alias resolves to its snapshot; an unknown id is a 404', async () => {
    const list = (await call('/v1/models')).json();
    assert.equal(list.data[0].id, 'claude-opus-4-8');
    assert.deepEqual(list.data[1], { type: 'model', id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6', created_at: '2026-02-17T00:00:00Z', max_input_tokens: 1_000_000, max_tokens: 128_000 });
    assert.equal(list.has_more, false);
    assert.equal(list.first_id, 'claude-opus-4-8');
    assert.equal((await call('/v1/models?limit=1')).json().has_more, true);
    assert.equal((await call('/v1/models/claude-haiku-4-5')).json().id, 'claude-haiku-4-5-20251001');
    const unknown = await call('/v1/models/claude-2');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().error.type, 'not_found_error');
  });

  test('every request is recorded with its headers and body', async () => {
    await message({ metadata: { user_id: 'u1' } });
    const recorded = await simulators.waitForRequest((request) => request.provider === 'anthropic' && request.path === '/anthropic/v1/messages');
    assert.equal(recorded.headers['x-api-key'], 'sk-ant-test');
    assert.deepEqual(recorded.body.metadata, { user_id: 'u1' });
    assert.equal(recorded.status, 200);
    assert.equal(recorded.completed, true);
  });
});

describe('Anthropic simulator: streams', () => {
  test('the full event sequence with event: lines, a ping, text before tool_use and the input JSON in several fragments', async () => {
    const response = await message({ stream: true, tools: [WEATHER], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    for (const block of response.text.trim().split('\n\n')) assert.match(block, /^event: (\w+)\ndata: \{"type":"\1"/);
    const events = await frames(response.text);
    const types = events.map((event) => (event.data.delta?.type ? `${event.event}:${event.data.delta.type}` : event.event));
    const textDeltas = types.filter((type) => type === 'content_block_delta:text_delta').length;
    const jsonDeltas = types.filter((type) => type === 'content_block_delta:input_json_delta').length;
    assert.deepEqual(types, [
      'message_start',
      'content_block_start',
      'ping',
      ...Array(textDeltas).fill('content_block_delta:text_delta'),
      'content_block_stop',
      'content_block_start',
      ...Array(jsonDeltas).fill('content_block_delta:input_json_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    assert.ok(jsonDeltas >= 3, 'the input arrives in several fragments');
    assert.equal(events[0]!.data.message.usage.output_tokens, 1);
    assert.ok(events[0]!.data.message.usage.input_tokens > 0);
    const toolStart = events.find((event) => event.data.content_block?.type === 'tool_use')!;
    assert.deepEqual(toolStart.data.content_block.input, {});
    assert.equal(toolStart.data.index, 1);
    const input = events.filter((event) => event.data.delta?.type === 'input_json_delta').map((event) => event.data.delta.partial_json).join('');
    assert.deepEqual(JSON.parse(input), { city: 'city from simulator' });
    const delta = events.find((event) => event.event === 'message_delta')!.data;
    assert.deepEqual(delta.delta, { stop_reason: 'tool_use', stop_sequence: null });
    assert.ok(delta.usage.output_tokens > 1);
  });

  test('thinking streams thinking_delta then one signature_delta before the text block', async () => {
    const events = await frames((await message({ stream: true, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } })).text);
    const deltas = events.filter((event) => event.event === 'content_block_delta').map((event) => `${event.data.index}:${event.data.delta.type}`);
    const thinking = deltas.filter((delta) => delta === '0:thinking_delta').length;
    const text = deltas.filter((delta) => delta === '1:text_delta').length;
    assert.deepEqual(deltas, [...Array(thinking).fill('0:thinking_delta'), '0:signature_delta', ...Array(text).fill('1:text_delta')]);
  });

  test("breakMode 'error-event' sends Anthropic's overloaded error event midway and ends the stream", async () => {
    simulators.addFault({ provider: 'anthropic', afterChunks: 4, breakMode: 'error-event' });
    const events = await frames((await message({ stream: true })).text);
    assert.equal(events.length, 5);
    assert.deepEqual(events[4], { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    const recorded = await simulators.waitForRequest((request) => request.provider === 'anthropic');
    assert.equal(recorded.completed, false);
    assert.equal(recorded.aborted, false);
  });
});
