import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatCompletion } from '../../../src/core/chat-types.ts';
import { encodeResponsesResponse } from '../../../src/dialects/openai-responses/encode-responses-response.ts';

function completion(message: ChatCompletion['choices'][number]['message'], finishReason = 'stop'): ChatCompletion {
  return { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'upstream-model', choices: [{ index: 0, message, finish_reason: finishReason }] };
}

const options = { id: 'resp_test', createdAt: 1_700_000_000, model: 'grok-4', request: { model: 'grok-4', input: 'Hi', metadata: { job: '7' } } };

describe('encodeResponsesResponse', () => {
  it('reasoning text, the answer and tool calls become reasoning, message and function_call items, in that order', () => {
    const response = encodeResponsesResponse(
      completion(
        {
          role: 'assistant',
          content: 'Let me check.',
          reasoning_content: 'The user wants the weather.',
          tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        'tool_calls',
      ),
      { ...options, usage: { promptTokens: 40, cachedPromptTokens: 8, completionTokens: 30, reasoningTokens: 12 } },
    );
    assert.deepEqual(
      response.output.map(({ id, ...item }) => {
        assert.match(id, /^(rs|msg|fc)_[0-9a-f]{50}$/);
        return item;
      }),
      [
        { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'The user wants the weather.' }] },
        { type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.', annotations: [], logprobs: [] }] },
        { type: 'function_call', status: 'completed', arguments: '{"city":"Paris"}', call_id: 'call_9', name: 'get_weather' },
      ],
    );
    assert.equal(response.status, 'completed');
    assert.deepEqual(response.usage, {
      input_tokens: 40,
      input_tokens_details: { cached_tokens: 8 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 70,
    });
    assert.equal(response.model, 'grok-4', "the client's model id, not the provider's");
    assert.deepEqual(response.metadata, { job: '7' });
    assert.equal(response.store, true, 'stored by the gateway unless the client sends store: false');
  });

  it('a tool-only answer has no message item; an answer cut short is incomplete', () => {
    const toolsOnly = encodeResponsesResponse(
      completion({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }, 'tool_calls'),
      { ...options, usage: undefined },
    );
    assert.deepEqual(toolsOnly.output.map((item) => item.type), ['function_call']);
    assert.equal(toolsOnly.usage, null);

    const cut = encodeResponsesResponse(completion({ role: 'assistant', content: 'Once upon' }, 'length'), { ...options, usage: undefined });
    assert.equal(cut.status, 'incomplete');
    assert.deepEqual(cut.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(cut.completed_at, null);
    assert.equal(cut.output[0]!.type === 'message' && cut.output[0].status, 'incomplete');
  });

  it('a refusal is a refusal content part', () => {
    const response = encodeResponsesResponse(completion({ role: 'assistant', content: null, refusal: 'I cannot help with that.' }), { ...options, usage: undefined });
    assert.deepEqual(response.output[0]!.type === 'message' && response.output[0].content, [{ type: 'refusal', refusal: 'I cannot help with that.' }]);
  });
});
