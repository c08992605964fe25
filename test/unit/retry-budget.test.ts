import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryBudget } from '../../src/gateway/retry-budget.ts';

describe('RetryBudget', () => {
  it('allows retries up to the share of recent requests, always the floor each second, and forgets after 10 s', () => {
    let now = 1_000_000;
    const budget = new RetryBudget({ share: 0.2, floorPerSecond: 2 }, () => now);
    for (let index = 0; index < 100; index += 1) budget.recordRequest();
    let allowed = 0;
    for (let index = 0; index < 50; index += 1) if (budget.tryRetry()) allowed += 1;
    assert.equal(allowed, 20, '20 % of 100 requests');
    now += 1_000;
    assert.equal(budget.tryRetry(), true, 'the floor, in a new second');
    assert.equal(budget.tryRetry(), true);
    assert.equal(budget.tryRetry(), false, 'the floor is 2 a second');
    now += 11_000;
    for (let index = 0; index < 10; index += 1) budget.recordRequest();
    let later = 0;
    for (let index = 0; index < 10; index += 1) if (budget.tryRetry()) later += 1;
    assert.equal(later, 2, 'the old requests and retries are forgotten: max(floor 2, 20 % of 10)');
  });
});
