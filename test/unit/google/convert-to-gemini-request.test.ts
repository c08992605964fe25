import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_MODELS } from '../../../src/catalog/builtin-models.ts';
import type { ChatRequest } from '../../../src/core/chat-types.ts';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { convertToGeminiRequest } from '../../../src/providers/google/convert-to-gemini-request.ts';
import { encodeGeminiToolCallId } from '../../../src/providers/google/gemini-tool-call-id.ts';

const model = (id: string) => BUILTIN_MODELS.find((candidate) => candidate.id === id)!;
const noImages: { fetchImage(url: string): Promise<{ mimeType: string; data: Buffer }> } = { fetchImage: () => Promise.reject(new Error('no remote images in this test')) };
const convert = (id: string, request: Omit<ChatRequest, 'model'>, options = noImages) => convertToGeminiRequest({ request: { model: id, ...request } as ChatRequest, model: model(id) }, options);
const WEATHER = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } };
const CLOCK = { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object', properties: {} } } };
const SIGNATURE = 'CiQBcsjafGZ2bW9rZS1zaWduYXR1cmUtZm9yLXRlc3Rz+/8=';

describe('convertToGeminiRequest', () => {
  it('maps roles: system and developer to systemInstruction, assistant to model with functionCall parts, tool results to one user turn of named functionResponse parts with matching ids', async () => {
    const signedId = encodeGeminiToolCallId({ id: 'call_weather', thoughtSignature: SIGNATURE });
    const { body, stream, adjustments } = await convert('gemini-3-pro-preview', {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: 'Weather and time in Paris?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: signedId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_time', content: '14:05' },
        { role: 'tool', tool_call_id: signedId, content: '{"temperature": 21}' },
        { role: 'assistant', content: 'Sunny, 21 °C, 14:05.' },
        { role: 'user', content: 'Thanks!' },
      ],
      stream: true,
    });
    assert.equal(stream, true);
    assert.deepEqual(adjustments, []);
    assert.deepEqual(body, {
      systemInstruction: { parts: [{ text: 'Be brief.\n\nAnswer in English.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather and time in Paris?' }] },
        {
          role: 'model',
          parts: [
            { text: 'Checking.' },
            { functionCall: { id: 'call_weather', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: SIGNATURE },
            { functionCall: { id: 'call_time', name: 'get_time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'call_time', name: 'get_time', response: { output: '14:05' } } },
            { functionResponse: { id: 'call_weather', name: 'get_weather', response: { temperature: 21 } } },
          ],
        },
        { role: 'model', parts: [{ text: 'Sunny, 21 °C, 14:05.' }] },
        { role: 'user', parts: [{ text: 'Thanks!' }] },
      ],
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    });
  });

  it('folds the system text into the first user turn for Gemma, which takes no system instruction, and says so', async () => {
    const { body, adjustments } = await convert('google/gemma-3-27b-it', {
      messages: [
        { role: 'system', content: 'You are a pirate.' },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Arr.' },
        { role: 'user', content: 'Bye' },
      ],
      reasoning_effort: 'high',
      presence_penalty: 0.5,
      frequency_penalty: 0,
      response_format: { type: 'json_object' },
    });
    assert.deepEqual(body, {
      contents: [
        { role: 'user', parts: [{ text: 'You are a pirate.\n\n' }, { text: 'Hello' }] },
        { role: 'model', parts: [{ text: 'Arr.' }] },
        { role: 'user', parts: [{ text: 'Bye' }] },
      ],
    });
    assert.deepEqual(adjustments, [
      { parameter: 'reasoning_effort', action: 'dropped', reason: 'google/gemma-3-27b-it does not support it' },
      { parameter: 'messages', action: 'rewritten', reason: 'system instructions folded into the first user turn: gemma-3-27b-it takes no system instruction' },
      { parameter: 'presence_penalty', action: 'dropped', reason: 'gemma-3-27b-it takes no penalties' },
      { parameter: 'response_format', action: 'dropped', reason: 'gemma-3-27b-it has no JSON mode' },
    ]);
  });

  it("sends Google's placeholder signature for tool calls Gemini 3 never signed (history from another model), and reports it", async () => {
    const { body, adjustments } = await convert('gemini-3-pro-preview', {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_01', content: 'rain' },
      ],
    });
    assert.deepEqual(body.contents[1], { role: 'model', parts: [{ functionCall: { id: 'toolu_01', name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'skip_thought_signature_validator' }] });
    assert.deepEqual(adjustments.map((adjustment) => adjustment.parameter), ['messages']);
    const unsigned = await convert('gemini-2.5-flash', {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      ],
    });
    assert.deepEqual(unsigned.body.contents[1], { role: 'model', parts: [{ functionCall: { id: 'toolu_01', name: 'get_weather', args: {} } }] }, 'Gemini 2.5 needs none');
  });

  it('maps tools to functionDeclarations (no parameters for an empty object) and every tool_choice to functionCallingConfig', async () => {
    const choices: [unknown, unknown][] = [
      [undefined, undefined],
      ['auto', { functionCallingConfig: { mode: 'AUTO' } }],
      ['none', { functionCallingConfig: { mode: 'NONE' } }],
      ['required', { functionCallingConfig: { mode: 'ANY' } }],
      [{ type: 'function', function: { name: 'get_time' } }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } }],
      [{ type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_weather' } }] } }, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } }],
    ];
    for (const [choice, toolConfig] of choices) {
      const { body } = await convert('gemini-2.5-flash', { messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER, CLOCK], tool_choice: choice });
      assert.deepEqual(body.toolConfig, toolConfig, `tool_choice ${JSON.stringify(choice)}`);
      assert.deepEqual(body.tools, [
        {
          functionDeclarations: [
            { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } },
            { name: 'get_time' },
          ],
        },
      ]);
    }
    const limited = await convert('gemini-2.5-flash', { messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER, CLOCK], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }] } } });
    assert.deepEqual(limited.body.tools, [{ functionDeclarations: [{ name: 'get_time' }] }]);
    assert.deepEqual(limited.body.toolConfig, { functionCallingConfig: { mode: 'AUTO' } });
    await assert.rejects(convert('gemini-2.5-flash', { messages: [{ role: 'user', content: 'Hi' }], tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'nope' } } }), GatewayError);
  });

  it('maps reasoning_effort to a thinking budget on Gemini 2.5 and a thinking level on Gemini 3, after Google’s table, reporting every changed value', async () => {
    const thinking = async (id: string, effort: string) => {
      const { body, adjustments } = await convert(id, { messages: [{ role: 'user', content: 'Hi' }], reasoning_effort: effort });
      return [body.generationConfig?.thinkingConfig, adjustments.map((adjustment) => adjustment.action)];
    };
    assert.deepEqual(
      {
        flashNone: await thinking('gemini-2.5-flash', 'none'),
        flashMinimal: await thinking('gemini-2.5-flash', 'minimal'),
        flashLow: await thinking('gemini-2.5-flash', 'low'),
        flashMedium: await thinking('gemini-2.5-flash', 'medium'),
        flashHigh: await thinking('gemini-2.5-flash', 'high'),
        proNone: await thinking('gemini-2.5-pro', 'none'),
        proHigh: await thinking('gemini-2.5-pro', 'high'),
        threeNone: await thinking('gemini-3-pro-preview', 'none'),
        threeMinimal: await thinking('gemini-3-pro-preview', 'minimal'),
        threeLow: await thinking('gemini-3-pro-preview', 'low'),
        threeMedium: await thinking('gemini-3-pro-preview', 'medium'),
        threeHigh: await thinking('gemini-3-pro-preview', 'high'),
      },
      {
        flashNone: [{ thinkingBudget: 0 }, []],
        flashMinimal: [{ includeThoughts: true, thinkingBudget: 1_024 }, []],
        flashLow: [{ includeThoughts: true, thinkingBudget: 1_024 }, []],
        flashMedium: [{ includeThoughts: true, thinkingBudget: 8_192 }, []],
        flashHigh: [{ includeThoughts: true, thinkingBudget: 24_576 }, []],
        proNone: [{ includeThoughts: true, thinkingBudget: 128 }, ['mapped']],
        proHigh: [{ includeThoughts: true, thinkingBudget: 24_576 }, []],
        threeNone: [{ includeThoughts: true, thinkingLevel: 'LOW' }, ['mapped']],
        threeMinimal: [{ includeThoughts: true, thinkingLevel: 'LOW' }, ['mapped']],
        threeLow: [{ includeThoughts: true, thinkingLevel: 'LOW' }, []],
        threeMedium: [{ includeThoughts: true, thinkingLevel: 'HIGH' }, ['mapped']],
        threeHigh: [{ includeThoughts: true, thinkingLevel: 'HIGH' }, []],
      },
    );
  });

  it('maps sampling and output parameters into generationConfig, JSON schemas into responseSchema, and reports what has no equivalent', async () => {
    const { body, adjustments } = await convert('gemini-2.5-flash', {
      messages: [{ role: 'user', content: 'A city, please.' }],
      max_tokens: 100,
      max_completion_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      n: 2,
      seed: 7,
      stop: 'END',
      frequency_penalty: 0.3,
      logprobs: true,
      user: 'end-user-1',
      stream_options: { include_usage: true },
      response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer', exclusiveMinimum: 0 } }, required: ['city', 'population'], additionalProperties: false } } },
    });
    assert.deepEqual(body.generationConfig, {
      maxOutputTokens: 300,
      temperature: 0.2,
      topP: 0.9,
      candidateCount: 2,
      seed: 7,
      stopSequences: ['END'],
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { city: { type: 'STRING' }, population: { type: 'INTEGER' } }, required: ['city', 'population'], propertyOrdering: ['city', 'population'] },
      thinkingConfig: { includeThoughts: true },
    });
    assert.deepEqual(adjustments, [
      { parameter: 'frequency_penalty', action: 'dropped', reason: 'gemini-2.5-flash takes no penalties' },
      { parameter: 'response_format.json_schema.schema', action: 'rewritten', reason: "Gemini's schema subset cannot keep: properties.population: exclusiveMinimum dropped" },
      { parameter: 'logprobs', action: 'dropped', reason: 'the Gemini API has no equivalent' },
      { parameter: 'user', action: 'dropped', reason: 'the Gemini API has no equivalent' },
    ]);
    const jsonObject = await convert('gemini-2.5-flash', { messages: [{ role: 'user', content: 'JSON please' }], response_format: { type: 'json_object' } });
    assert.deepEqual(jsonObject.body.generationConfig, { responseMimeType: 'application/json', thinkingConfig: { includeThoughts: true } });
  });

  it('sends data-URL images inline and fetches http(s) images through the given fetcher', async () => {
    const fetched: string[] = [];
    const { body, adjustments } = await convert(
      'gemini-2.5-flash',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
            ],
          },
        ],
      },
      {
        fetchImage: async (url: string) => {
          fetched.push(url);
          return { mimeType: 'image/jpeg', data: Buffer.from('jpeg bytes') };
        },
      },
    );
    assert.deepEqual(fetched, ['https://example.com/cat.jpg']);
    assert.deepEqual(body.contents, [
      {
        role: 'user',
        parts: [
          { text: 'Compare these.' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { inlineData: { mimeType: 'image/jpeg', data: Buffer.from('jpeg bytes').toString('base64') } },
        ],
      },
    ]);
    assert.deepEqual(adjustments, [{ parameter: 'messages[0].content[2].image_url.detail', action: 'dropped', reason: 'Gemini sets image resolution per request, not per image' }]);
  });

  it('refuses a tool result that answers no earlier call, and arguments that are not a JSON object, with a 400 naming the message', async () => {
    await assert.rejects(convert('gemini-2.5-flash', { messages: [{ role: 'user', content: 'Hi' }, { role: 'tool', tool_call_id: 'call_x', content: 'ok' }] }), (error: unknown) => {
      return error instanceof GatewayError && error.status === 400 && error.param === 'messages[1].tool_call_id';
    });
    await assert.rejects(
      convert('gemini-2.5-flash', { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] }),
      (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === 'messages[1].tool_calls[0].function.arguments',
    );
  });
});
