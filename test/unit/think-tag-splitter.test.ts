import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ThinkTagSplitter } from '../../src/providers/openai-compatible/think-tag-splitter.ts';

function splitAll(pieces: string[]) {
  const splitter = new ThinkTagSplitter();
  let content = '';
  let reasoning = '';
  for (const piece of [...pieces.map((text) => splitter.push(text)), splitter.flush()]) {
    content += piece.content;
    reasoning += piece.reasoning;
  }
  return { content, reasoning };
}

describe('ThinkTagSplitter', () => {
  it('moves a leading <think> section to reasoning', () => {
    assert.deepEqual(splitAll(['<think>Rayleigh scattering.</think>\nThe sky is blue.']), { content: 'The sky is blue.', reasoning: 'Rayleigh scattering.' });
  });

  it('handles tags split across deltas, character by character', () => {
    const text = '<think>Step one. Step two.</think>Answer: 42.';
    assert.deepEqual(splitAll([...text]), { content: 'Answer: 42.', reasoning: 'Step one. Step two.' });
  });

  it('leaves content without a leading think section untouched, even when it mentions the tag later', () => {
    assert.deepEqual(splitAll(['Use the ', '<think> tag', ' to reason.']), { content: 'Use the <think> tag to reason.', reasoning: '' });
  });

  it('keeps an unclosed section as reasoning when the content ends (a cut-off answer)', () => {
    assert.deepEqual(splitAll(['<think>Still thinking']), { content: '', reasoning: 'Still thinking' });
  });

  it('passes a short answer that only looks like the start of a tag', () => {
    assert.deepEqual(splitAll(['<th']), { content: '<th', reasoning: '' });
  });
});
