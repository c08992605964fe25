import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../src/core/chat-types.ts';
import { mergeConsecutiveRoles } from '../../src/providers/openai-compatible/merge-consecutive-roles.ts';

describe('mergeConsecutiveRoles', () => {
  it('returns the same array when the turns already alternate', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'Bye' },
    ];
    assert.equal(mergeConsecutiveRoles(messages), messages);
  });

  it('joins consecutive text messages of one role with a blank line', () => {
    const merged = mergeConsecutiveRoles([
      { role: 'user', content: 'First' },
      { role: 'user', content: 'Second' },
      { role: 'assistant', content: 'A' },
      { role: 'assistant', content: 'B' },
    ]);
    assert.deepEqual(merged, [
      { role: 'user', content: 'First\n\nSecond' },
      { role: 'assistant', content: 'A\n\nB' },
    ]);
  });

  it('merges consecutive system messages', () => {
    const merged = mergeConsecutiveRoles([
      { role: 'system', content: 'One' },
      { role: 'system', content: 'Two' },
      { role: 'user', content: 'Hi' },
    ]);
    assert.deepEqual(merged, [
      { role: 'system', content: 'One\n\nTwo' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('merges three or more messages of one role into one', () => {
    const merged = mergeConsecutiveRoles([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
      { role: 'user', content: 'c' },
    ]);
    assert.deepEqual(merged, [{ role: 'user', content: 'a\n\nb\n\nc' }]);
  });

  it('turns text and content parts into one list of parts, in order', () => {
    const merged = mergeConsecutiveRoles([
      { role: 'user', content: 'Look:' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] },
    ]);
    assert.deepEqual(merged, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
    ]);
  });

  it('skips empty and null contents instead of adding blank lines', () => {
    const merged = mergeConsecutiveRoles([
      { role: 'assistant', content: null },
      { role: 'assistant', content: '' },
      { role: 'assistant', content: 'Text' },
    ]);
    assert.deepEqual(merged, [{ role: 'assistant', content: 'Text' }]);
  });

  it('never merges tool results, which answer distinct calls', () => {
    const messages: ChatMessage[] = [
      { role: 'tool', content: '1', tool_call_id: 'call_a' },
      { role: 'tool', content: '2', tool_call_id: 'call_b' },
    ];
    assert.equal(mergeConsecutiveRoles(messages), messages);
  });

  it('does not change the messages it was given', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ];
    const before = structuredClone(messages);
    mergeConsecutiveRoles(messages);
    assert.deepEqual(messages, before);
  });
});
