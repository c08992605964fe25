import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPlainText } from '../../src/providers/openai-compatible/openai-compatible-adapter.ts';

/** A chunk as OpenAI streams it with include_usage: `usage: null` on every chunk but the last. */
const chunk = (delta: object, finishReason: string | null = null, extra: object = {}) =>
  JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-mini', system_fingerprint: null, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], usage: null, ...extra });

describe('readPlainText: a plain delta read without parsing it', () => {
  it('reads the text of a content delta, escapes included, as JSON.parse does', () => {
    for (const text of ['Hello', '', ' word ', 'quote " and backslash \\ and \\" both', 'line\nbreak\ttab', 'unicode é ✓ 😀', '\\', 'ends with \\\\']) {
      const raw = chunk({ content: text });
      assert.equal(readPlainText(raw), JSON.parse(raw).choices[0].delta.content, raw);
    }
  });

  it('reads a role chunk (empty or null content, refusal null) as no text', () => {
    assert.equal(readPlainText(chunk({ role: 'assistant', content: '', refusal: null })), '');
    assert.equal(readPlainText(chunk({ role: 'assistant', content: null })), '');
    assert.equal(readPlainText(chunk({ role: 'assistant' })), '');
    assert.equal(readPlainText('{"choices": [{"delta": {"content": "spaced"}, "finish_reason": null}], "usage": null}'), 'spaced');
  });

  it('leaves to the parser every event with something the gateway reads: usage, an error, a finish, a tool call, reasoning, a refusal', () => {
    const readWorthy = [
      chunk({}, 'stop'),
      chunk({ content: 'x' }, 'length'),
      JSON.stringify({ id: 'c', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
      JSON.stringify({ id: 'c', choices: [], usage : { prompt_tokens: 1 } }).replace('"usage":', '"usage" : '),
      JSON.stringify({ error: { message: 'overloaded' } }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }),
      chunk({ reasoning_content: 'thinking' }),
      chunk({ reasoning: 'thinking' }),
      chunk({ refusal: 'no' }),
      // Two choices, or content elsewhere (logprobs): parsed.
      JSON.stringify({ choices: [{ index: 0, delta: { content: 'a' } }, { index: 1, delta: { content: 'b' } }] }),
      chunk({ content: 'a' }, null, { choices: [{ index: 0, delta: { content: 'a' }, logprobs: { content: [{ token: 'a' }] } }] }),
      // Not an object, or cut short: the parser says what it is.
      '[1,2]',
      '{"choices":[{"delta":{"content":"cut',
      '{"choices":[{"delta":{"content":42}}]}',
    ];
    for (const raw of readWorthy) assert.equal(readPlainText(raw), undefined, raw);
  });

  it('is not misled by the words it looks for inside the text', () => {
    const raw = chunk({ content: 'the "usage": {"error": true, "finish_reason": "stop", "content": "x"}' });
    assert.equal(readPlainText(raw), JSON.parse(raw).choices[0].delta.content);
  });
});
