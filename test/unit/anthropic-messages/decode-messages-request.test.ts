import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/core/gateway-error.ts';
import { decodeMessagesRequest } from '../../../src/dialects/anthropic-messages/decode-messages-request.ts';

describe('decodeMessagesRequest', () => {
  it('maps system, a tool round trip and sampling to the hub chat request', () => {
    const { request, adjustments } = decodeMessagesRequest({
      model: 'gpt-5-mini',
      max_tokens: 400,
      system: [{ type: 'text', text: 'Be brief.' }],
      temperature: 0.5,
      stop_sequences: ['END'],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '21°C' }] }, { type: 'text', text: 'And tomorrow?' }] },
      ],
    });
    assert.deepEqual(request, {
      model: 'gpt-5-mini',
      max_tokens: 400,
      temperature: 0.5,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: '21°C' },
        { role: 'user', content: 'And tomorrow?' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    assert.deepEqual(adjustments, []);
  });

  it('turns image blocks into image_url parts (base64 as data URLs)', () => {
    const { request } = decodeMessagesRequest({
      model: 'gpt-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }, { type: 'text', text: 'What is it?' }] }],
    });
    assert.deepEqual(request.messages[0].content, [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      { type: 'text', text: 'What is it?' },
    ]);
  });

  it('maps a thinking budget to the nearest reasoning_effort and reports it, and reports dropped top_k and old thinking blocks', () => {
    const { request, adjustments } = decodeMessagesRequest({
      model: 'gpt-5',
      max_tokens: 20_000,
      top_k: 5,
      thinking: { type: 'enabled', budget_tokens: 10_000 },
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'text', text: 'Hello' }] },
        { role: 'user', content: 'Again' },
      ],
    });
    assert.equal(request.reasoning_effort, 'medium');
    assert.deepEqual(request.messages[1], { role: 'assistant', content: 'Hello' });
    assert.deepEqual(adjustments.map((adjustment) => adjustment.parameter).sort(), ['messages', 'thinking', 'top_k']);
  });

  it('refuses server tools and document blocks with a 400 naming them, rather than dropping them', () => {
    assert.throws(
      () => decodeMessagesRequest({ model: 'gpt-5', max_tokens: 10, tools: [{ type: 'web_search_20250305', name: 'web_search', input_schema: {} }], messages: [{ role: 'user', content: 'Hi' }] }),
      (error: GatewayError) => error.status === 400 && /server tool 'web_search_20250305'/.test(error.message),
    );
    assert.throws(
      () => decodeMessagesRequest({ model: 'gpt-5', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }),
      (error: GatewayError) => error.status === 400 && /document/.test(error.message),
    );
  });
});
