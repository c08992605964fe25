import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { decodeResponsesRequest } from '../../../src/dialects/openai-responses/decode-responses-request.ts';
import type { ResponsesRequest } from '../../../src/dialects/openai-responses/responses-api.ts';

const WEATHER = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

function refusal(request: Partial<ResponsesRequest>): GatewayError {
  try {
    decodeResponsesRequest({ model: 'grok-4', input: 'Hi', ...request }, 'grok-4');
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    return error;
  }
  assert.fail('expected a refusal');
}

describe('decodeResponsesRequest', () => {
  it('turns instructions, a string input and the sampling parameters into the hub chat request', () => {
    const { request, adjustments } = decodeResponsesRequest(
      { model: 'grok-4', instructions: 'Be brief.', input: 'Hello', max_output_tokens: 200, temperature: 0.5, top_p: 0.9, reasoning: { effort: 'low' }, stream: true, user: 'u-1' },
      'grok-4',
    );
    assert.deepEqual(request, {
      model: 'grok-4',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      stream: true,
      max_tokens: 200,
      temperature: 0.5,
      top_p: 0.9,
      user: 'u-1',
      reasoning_effort: 'low',
    });
    assert.deepEqual(adjustments, []);
  });

  it('a function call round trip: the echoed output becomes one assistant message with tool_calls, the result a tool message', () => {
    const { request, adjustments } = decodeResponsesRequest(
      {
        model: 'grok-4',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris and Rome?' }] },
          { id: 'rs_1', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Two calls.' }] },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.' }] },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', id: 'fc_1', status: 'completed' },
          { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'rain' }] },
        ],
        tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: WEATHER, strict: true }],
        tool_choice: { type: 'function', name: 'get_weather' },
        parallel_tool_calls: true,
      },
      'grok-4',
    );
    assert.deepEqual(request.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: 'rain' },
    ]);
    assert.deepEqual(request.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: WEATHER, strict: true } }]);
    assert.deepEqual(request.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    assert.equal(request.parallel_tool_calls, true);
    assert.deepEqual(adjustments, [{ parameter: 'input', action: 'dropped', reason: 'reasoning items are not sent: chat providers take no reasoning input' }]);
  });

  it('images by URL become image_url parts; structured output becomes response_format', () => {
    const { request } = decodeResponsesRequest(
      {
        model: 'm',
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' }] }],
        text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      },
      'm',
    );
    assert.deepEqual(request.messages[0]!.content, [
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
    ]);
    assert.deepEqual(request.response_format, { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } });
    assert.deepEqual(decodeResponsesRequest({ model: 'm', input: 'x', text: { format: { type: 'json_object' } } }, 'm').request.response_format, { type: 'json_object' });
  });

  it('refuses, by name, what needs state stored by OpenAI or its built-in tools', () => {
    const cases: [Partial<ResponsesRequest>, string, RegExp][] = [
      [{ background: true, stream: true }, 'stream', /background mode with stream/],
      [{ conversation: 'conv_1' }, 'conversation', /conversation/],
      [{ prompt: { id: 'pmpt_1' } }, 'prompt', /prompt templates/],
      [{ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type', /built-in tool 'file_search'/],
      [{ tools: [{ type: 'function', name: 'f' }], tool_choice: { type: 'web_search_preview' } }, 'tool_choice', /tool_choice of type 'web_search_preview'/],
      [{ input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', /input items of type 'item_reference'/],
      [{ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'input[0].content[0]', /file_id/],
      [{ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'file_1' }] }] }, 'input[0].content[0]', /input_file/],
    ];
    for (const [request, param, message] of cases) {
      const error = refusal(request);
      assert.equal(error.status, 400, param);
      assert.equal(error.code, 'unsupported_feature');
      assert.equal(error.param, param);
      assert.match(error.message, message);
      assert.match(error.message, /model 'grok-4'/);
    }
  });

  it('takes store and previous_response_id as the gateway state to act on (the chain was written out before decoding), reporting neither', () => {
    const { request, adjustments } = decodeResponsesRequest({ model: 'm', input: 'x', store: true, previous_response_id: 'resp_1' }, 'm');
    assert.deepEqual(request.messages, [{ role: 'user', content: 'x' }]);
    assert.deepEqual(adjustments, []);
  });

  it('accepts store: false and reports every field it drops instead of dropping it silently', () => {
    const { adjustments } = decodeResponsesRequest(
      { model: 'm', input: 'x', store: false, include: ['reasoning.encrypted_content'], service_tier: 'flex', reasoning: { summary: 'auto' }, text: { verbosity: 'low' }, something_new: 1 },
      'm',
    );
    assert.deepEqual(adjustments.map((adjustment) => `${adjustment.parameter} ${adjustment.action}`), [
      'include dropped',
      'service_tier dropped',
      'something_new dropped',
      'reasoning.summary dropped',
      'text.verbosity dropped',
    ]);
  });

  it('a request with neither instructions nor input is a validation error', () => {
    assert.equal(refusal({ input: [] }).status, 422);
  });
});
