import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readRetryAfter } from '../../src/providers/read-retry-after.ts';

describe('readRetryAfter', () => {
  const now = Date.parse('2026-11-30T12:00:00Z');

  it('takes retry-after as sent, else retry-after-ms rounded up to seconds', () => {
    assert.equal(readRetryAfter({ 'retry-after': '7', 'x-ratelimit-reset-requests': '1m0s' }, 429, now), '7');
    assert.equal(readRetryAfter({ 'retry-after-ms': '1200' }, 503, now), '2');
  });

  it('on a 429 without them, the reset of the exhausted OpenAI limit', () => {
    const headers = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-remaining-tokens': '5000', 'x-ratelimit-reset-tokens': '20ms' };
    assert.equal(readRetryAfter(headers, 429, now), '360');
    assert.equal(readRetryAfter({ 'x-ratelimit-reset-requests': '1.5s', 'x-ratelimit-reset-tokens': '20ms' }, 429, now), '2', 'none exhausted: the later reset');
  });

  it('on a 429, Anthropic\'s reset times', () => {
    const headers = { 'anthropic-ratelimit-tokens-remaining': '0', 'anthropic-ratelimit-tokens-reset': '2026-11-30T12:00:30Z', 'anthropic-ratelimit-requests-remaining': '10', 'anthropic-ratelimit-requests-reset': '2026-11-30T12:01:00Z' };
    assert.equal(readRetryAfter(headers, 429, now), '30');
  });

  it('ignores reset headers on anything but a 429, and unreadable ones', () => {
    assert.equal(readRetryAfter({ 'x-ratelimit-reset-requests': '6m0s' }, 500, now), undefined);
    assert.equal(readRetryAfter({ 'x-ratelimit-reset-requests': 'soon' }, 429, now), undefined);
    assert.equal(readRetryAfter({}, 429, now), undefined);
  });
});
