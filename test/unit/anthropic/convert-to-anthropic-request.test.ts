import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILTIN_MODELS } from '../../../src/catalog/builtin-models.ts';
import type { ChatRequest } from '../../../src/core/chat-types.ts';
import { convertToAnthropicRequest, JSON_OBJECT_INSTRUCTION } from '../../../src/providers/anthropic/convert-to-anthropic-request.ts';

const SONNET = BUILTIN_MODELS.find((model) => model.id === 'claude-sonnet-4-6')!;
const WEATHER = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const TIME = { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } };
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function convert(request: Partial<ChatRequest>) {
  return convertToAnthropicRequest({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hi' }], ...request }, SONNET);
}

describe('convertToAnthropicRequest', () => {
  test('a plain request gets the catalog default max_tokens, and system and developer messages become top-level system blocks', () => {
    assert.deepEqual(
      convert({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
          { role: 'user', content: 'Hi' },
        ],
      }),
      {
        body: {
          model: 'claude-sonnet-4-6',
          max_tokens: 8_192,
          system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in English.' }],
          messages: [{ role: 'user', content: 'Hi' }],
        },
        adjustments: [],
      },
    );
  });

  test('max_completion_tokens, else max_tokens, is the max_tokens sent; stop, user, temperature and top_p carry over', () => {
    const { body, adjustments } = convert({ max_completion_tokens: 500, temperature: 0.3, top_p: 0.9, stop: ['END', ''], user: 'user-7', stream: true, stream_options: { include_usage: true } });
    assert.deepEqual(body, {
      model: 'claude-sonnet-4-6',
      max_tokens: 500,
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3,
      top_p: 0.9,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      stream: true,
    });
    assert.deepEqual(adjustments, []);
    assert.equal(convert({ max_tokens: 42 }).body.max_tokens, 42);
    assert.equal(convert({ stop: 'STOP' }).body.stop_sequences?.[0], 'STOP');
  });

  test('a temperature above 1 is sent as 1, and the client is told', () => {
    const { body, adjustments } = convert({ temperature: 1.5 });
    assert.equal(body.temperature, 1);
    assert.deepEqual(adjustments, [{ parameter: 'temperature', action: 'mapped', reason: '1.5 sent as 1, the highest temperature Anthropic accepts (its range is 0 to 1)' }]);
  });

  test('user text and image_url parts become blocks: a data URL a base64 source, an https URL a url source', () => {
    const { body, adjustments } = convert({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    });
    assert.deepEqual(body.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
    assert.deepEqual(adjustments, [{ parameter: 'image_url.detail', action: 'dropped', reason: 'Anthropic has no image detail setting' }]);
  });

  test('tools become input_schema tools; tool_choice maps auto/none/required/named; parallel_tool_calls false disables parallel use', () => {
    const { body } = convert({ tools: [WEATHER, TIME] });
    assert.deepEqual(body.tools, [
      { name: 'get_weather', description: 'Weather in a city', input_schema: WEATHER.function.parameters },
      { name: 'get_time', input_schema: TIME.function.parameters },
    ]);
    assert.equal(body.tool_choice, undefined);
    const choices: [unknown, boolean | undefined, unknown][] = [
      ['auto', undefined, undefined],
      ['auto', false, { type: 'auto', disable_parallel_tool_use: true }],
      ['none', false, { type: 'none' }],
      ['required', undefined, { type: 'any' }],
      ['required', false, { type: 'any', disable_parallel_tool_use: true }],
      [{ type: 'function', function: { name: 'get_time' } }, undefined, { type: 'tool', name: 'get_time' }],
    ];
    for (const [toolChoice, parallel, expected] of choices) {
      assert.deepEqual(convert({ tools: [WEATHER, TIME], tool_choice: toolChoice, parallel_tool_calls: parallel }).body.tool_choice, expected, JSON.stringify([toolChoice, parallel]));
    }
  });

  test('a tool round trip: assistant tool_calls become tool_use blocks after the text, consecutive tool messages ONE user turn of tool_results', () => {
    const { body, adjustments } = convert({
      tools: [WEATHER, TIME],
      messages: [
        { role: 'user', content: 'Weather and time in Paris?' },
        {
          role: 'assistant',
          content: 'Checking both.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{"zone":"Europe/Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '{"temperature": 21}' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '14:05' }] },
        { role: 'user', content: 'Thanks, and tomorrow?' },
      ],
    });
    assert.deepEqual(body.messages, [
      { role: 'user', content: 'Weather and time in Paris?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: { zone: 'Europe/Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"temperature": 21}' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '14:05' }] },
          { type: 'text', text: 'Thanks, and tomorrow?' },
        ],
      },
    ]);
    assert.deepEqual(adjustments, []);
  });

  test('tool arguments that are not a JSON object are sent as {} and reported', () => {
    const { body, adjustments } = convert({
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_cut', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Par' } }] },
        { role: 'tool', tool_call_id: 'toolu_cut', content: 'error' },
      ],
    });
    assert.deepEqual(body.messages[1], { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_cut', name: 'get_weather', input: {} }] });
    assert.equal(adjustments[0]?.parameter, 'messages[].tool_calls[].function.arguments');
    assert.equal(adjustments[0]?.action, 'rewritten');
  });

  test('reasoning_effort becomes a thinking budget; a temperature other than 1 and a low top_p are dropped while thinking, each reported', () => {
    const { body, adjustments } = convert({ reasoning_effort: 'medium', temperature: 0.2, top_p: 0.5 });
    assert.deepEqual(body, { model: 'claude-sonnet-4-6', max_tokens: 8_192 + 8_192, messages: [{ role: 'user', content: 'Hi' }], thinking: { type: 'enabled', budget_tokens: 8_192 } });
    assert.deepEqual(adjustments.map((adjustment) => [adjustment.parameter, adjustment.action]), [
      ['reasoning_effort', 'mapped'],
      ['temperature', 'dropped'],
      ['top_p', 'dropped'],
    ]);
  });

  test('thinking is dropped, reported, when tool_choice forces a tool or the tool result answers a call without signed thinking', () => {
    const forced = convert({ reasoning_effort: 'low', tools: [WEATHER], tool_choice: 'required' });
    assert.equal(forced.body.thinking, undefined);
    assert.equal(forced.body.max_tokens, 8_192);
    assert.deepEqual(forced.adjustments, [{ parameter: 'reasoning_effort', action: 'dropped', reason: 'Claude cannot think while tool_choice forces a tool; the forced tool call was kept' }]);

    const history = [
      { role: 'user' as const, content: 'Weather?' },
      { role: 'assistant' as const, content: null, tool_calls: [{ id: 'toolu_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool' as const, tool_call_id: 'toolu_1', content: 'sunny' },
    ];
    const unsigned = convert({ reasoning_effort: 'low', tools: [WEATHER], messages: history });
    assert.equal(unsigned.body.thinking, undefined);
    assert.equal(unsigned.adjustments[0]?.parameter, 'reasoning_effort');

    const signedHistory = [history[0], { ...history[1], thinking_blocks: [{ type: 'thinking', thinking: 'I should call the tool.', signature: 'sig-1' }] }, history[2]];
    const signed = convert({ reasoning_effort: 'low', tools: [WEATHER], messages: signedHistory });
    assert.deepEqual(signed.body.thinking, { type: 'enabled', budget_tokens: 2_048 });
    assert.deepEqual(signed.body.messages[1], {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should call the tool.', signature: 'sig-1' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
  });

  test('response_format json_schema becomes structured outputs; json_object an instruction in the system prompt, reported', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const structured = convert({ response_format: { type: 'json_schema', json_schema: { name: 'place', strict: true, schema } } });
    assert.deepEqual(structured.body.output_config, { format: { type: 'json_schema', schema } });
    assert.deepEqual(structured.adjustments, []);

    const jsonObject = convert({ response_format: { type: 'json_object' } });
    assert.deepEqual(jsonObject.body.system, [{ type: 'text', text: JSON_OBJECT_INSTRUCTION }]);
    assert.equal(jsonObject.adjustments[0]?.parameter, 'response_format');
  });

  test('parameters Anthropic lacks are dropped, each reported; OpenAI defaults are not worth a word', () => {
    const { body, adjustments } = convert({ presence_penalty: 0.5, frequency_penalty: 0, logprobs: true, top_logprobs: 2, n: 3, seed: 7, logit_bias: { '1': 2 }, store: false });
    assert.deepEqual(Object.keys(body).sort(), ['max_tokens', 'messages', 'model']);
    assert.deepEqual(adjustments.map((adjustment) => adjustment.parameter), ['presence_penalty', 'logprobs', 'top_logprobs', 'n', 'seed', 'logit_bias']);
    assert.ok(adjustments.every((adjustment) => adjustment.action === 'dropped'));
  });

  test('a system message after the conversation began is hoisted, reported; names are dropped, reported; empty messages are left out', () => {
    const { body, adjustments } = convert({
      messages: [
        { role: 'user', content: 'Hi', name: 'ann' },
        { role: 'assistant', content: '' },
        { role: 'system', content: 'Now be formal.' },
        { role: 'user', content: 'Hello again' },
      ],
    });
    assert.deepEqual(body.system, [{ type: 'text', text: 'Now be formal.' }]);
    assert.deepEqual(body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'text', text: 'Hello again' }] }]);
    assert.deepEqual(adjustments.map((adjustment) => [adjustment.parameter, adjustment.action]), [
      ['messages[].name', 'dropped'],
      ['messages', 'dropped'],
      ['messages', 'rewritten'],
    ]);
  });

  test('cache_control on text parts is kept, so OpenAI clients can use prompt caching', () => {
    const { body } = convert({ messages: [{ role: 'system', content: [{ type: 'text', text: 'Long manual', cache_control: { type: 'ephemeral' } }] }, { role: 'user', content: 'Q' }] });
    assert.deepEqual(body.system, [{ type: 'text', text: 'Long manual', cache_control: { type: 'ephemeral' } }]);
  });
});
