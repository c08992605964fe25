import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { AnthropicMessage } from '../../../src/providers/anthropic/anthropic-api.ts';
import { convertAnthropicResponse } from '../../../src/providers/anthropic/convert-anthropic-response.ts';

const CREATED = 1_700_000_000;

function fixture(name: string): AnthropicMessage {
  return JSON.parse(readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8')) as AnthropicMessage;
}

describe('convertAnthropicResponse', () => {
  test('a text answer becomes an OpenAI chat completion with end_turn as stop', () => {
    assert.deepEqual(convertAnthropicResponse(fixture('text.json'), { created: CREATED }), {
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'chat.completion',
      created: CREATED,
      model: 'claude-sonnet-4-5-20250929',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi! My name is Claude.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2095, completion_tokens: 503, total_tokens: 2598 },
    });
  });

  test('text before a tool_use stays content; the call becomes tool_calls[0] with its input as JSON text', () => {
    assert.deepEqual(convertAnthropicResponse(fixture('tool-use.json'), { created: CREATED }), {
      id: 'msg_01Aq9w938a90dw8q',
      object: 'chat.completion',
      created: CREATED,
      model: 'claude-opus-4-6',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check the current weather in San Francisco for you.",
            refusal: null,
            tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 384, completion_tokens: 87, total_tokens: 471, prompt_tokens_details: { cached_tokens: 0 }, cache_creation_input_tokens: 0 },
    });
  });

  test('an answer of tool calls only has null content, as OpenAI answers', () => {
    const message = fixture('tool-use.json');
    message.content = message.content.filter((block) => block.type === 'tool_use');
    assert.equal(convertAnthropicResponse(message, { created: CREATED }).choices[0]?.message.content, null);
  });

  test('thinking becomes reasoning_content, and every thinking block (signature, redacted data) is kept in thinking_blocks', () => {
    const completion = convertAnthropicResponse(fixture('thinking.json'), { created: CREATED });
    assert.deepEqual(completion.choices[0]?.message, {
      role: 'assistant',
      content: 'Based on my analysis...',
      refusal: null,
      reasoning_content: 'Let me analyze this step by step...',
      thinking_blocks: [
        { type: 'thinking', thinking: 'Let me analyze this step by step...', signature: 'WaUjzkypQ2mUEVM36O2TxuC06KN8xyfbJwyem2dw3URve/op91XWHOEBLLqIOMfFG/UvLEczmEsUjavL....' },
        {
          type: 'redacted_thinking',
          data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB9URj2pLmN3kF8/dW5hR7xJ0aP1oLs9yTcMnKVf2wRpEGjH9XZaBt4UvDcPrQ...',
        },
      ],
    });
    assert.equal(completion.usage?.completion_tokens, 1250, 'output_tokens already include thinking');
  });

  test('cache writes count in prompt_tokens and are reported apart from cache reads', () => {
    assert.deepEqual(convertAnthropicResponse(fixture('prompt-caching.json'), { created: CREATED }).usage, {
      prompt_tokens: 21 + 188086,
      completion_tokens: 393,
      total_tokens: 21 + 188086 + 393,
      prompt_tokens_details: { cached_tokens: 0 },
      cache_creation_input_tokens: 188086,
    });
  });
});
