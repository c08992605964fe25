import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GATEWAY_ERRORS } from '../../src/core/gateway-error.ts';
import { BalancedAdapter, type Deployment } from '../../src/providers/balanced-adapter.ts';
import { mapUpstreamError } from '../../src/providers/map-upstream-error.ts';
import { CircuitBreaker } from '../../src/providers/circuit-breaker.ts';
import type { ChatCall, ProviderAdapter } from '../../src/providers/provider-adapter.ts';

describe('CircuitBreaker', () => {
  it('opens after the failures in a row, rests, lets one probe through, and closes or reopens on its answer', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failures: 3, cooldownMs: 1_000 }, () => now);
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    assert.equal(breaker.state, 'closed', 'a success resets the count');
    breaker.failed();
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.tryAcquire(), false);
    now = 1_000;
    assert.equal(breaker.state, 'half-open');
    assert.equal(breaker.tryAcquire(), true, 'one probe');
    assert.equal(breaker.tryAcquire(), false, 'and only one');
    breaker.failed();
    assert.equal(breaker.state, 'open', 'a failed probe reopens at once');
    now = 2_000;
    assert.equal(breaker.tryAcquire(), true);
    breaker.released();
    assert.equal(breaker.tryAcquire(), true, 'a probe whose client left is given back');
    breaker.succeeded();
    assert.equal(breaker.state, 'closed');
  });
});

describe('CircuitBreaker failure rate', () => {
  it('opens when failures pass the rate over the window once enough answers were seen, though never many in a row', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failures: 5, cooldownMs: 1_000, failureRatePercent: 50, minimumRequests: 10, windowMs: 10_000 }, () => now);
    // Alternating answers: never two failures in a row; the rate reaches 50 % at the tenth answer.
    for (let index = 0; index < 8; index += 1) {
      if (index % 2 === 0) breaker.succeeded();
      else breaker.failed();
      now += 100;
    }
    assert.equal(breaker.state, 'closed', 'not before the minimum number of answers');
    breaker.succeeded();
    breaker.failed();
    assert.equal(breaker.state, 'open', '5 failures of 10 answers');
    now += 20_000;
    assert.equal(breaker.tryAcquire(), true);
    breaker.succeeded();
    breaker.failed();
    assert.equal(breaker.state, 'closed', 'the window forgot the old answers');
  });
});

describe('BalancedAdapter', () => {
  const adapter = (name: string, behaviour: () => Promise<never> | Promise<unknown>): ProviderAdapter =>
    ({ descriptor: { id: 'openai' }, nativeSurfaces: [], chat: behaviour, scrub: (text: string) => text.replace(name, '***'), readUsage: () => undefined }) as unknown as ProviderAdapter;
  const deployment = (name: string, weight: number, behaviour: () => Promise<unknown> = async () => ({ kind: 'completion', completion: { name }, adjustments: [] })): Deployment => ({
    settings: { name, weight, baseUrl: 'http://x', apiKey: `key-${name}` },
    adapter: adapter(`key-${name}`, behaviour),
    breaker: new CircuitBreaker({ failures: 2, cooldownMs: 60_000 }),
  });
  const call = (): ChatCall => ({ request: { model: 'm', messages: [] }, model: {} as ChatCall['model'], signal: new AbortController().signal, requestId: 'r' });

  it('picks by weight', () => {
    const deployments = [deployment('a', 3), deployment('b', 1)];
    const balanced = new BalancedAdapter(deployments);
    let a = 0;
    for (let index = 0; index < 4_000; index += 1) if (balanced.pick(new AbortController().signal) === deployments[0]) a += 1;
    assert.ok(a > 2_700 && a < 3_300, `a picked ${a} of 4,000 (expected 3,000)`);
  });

  it("a retry of the same request goes to a deployment it has not tried; a failing one's breaker keeps it out", async () => {
    const failing = deployment('down', 1_000, async () => {
      throw GATEWAY_ERRORS.upstreamUnavailable('openai', 'ECONNREFUSED');
    });
    const healthy = deployment('up', 1);
    // Draws always land on the first candidate: the failing one while its breaker lets it through.
    const balanced = new BalancedAdapter([failing, healthy], () => 0);
    const signal = new AbortController().signal;
    assert.equal(balanced.pick(signal), failing, 'the first draw');
    assert.equal(balanced.pick(signal), healthy, 'then the one this request has not tried');
    failing.breaker.succeeded();
    for (let index = 0; index < 2; index += 1) await assert.rejects(balanced.chat(call()), /ECONNREFUSED|could not be reached/);
    assert.equal(failing.breaker.state, 'open');
    for (let index = 0; index < 20; index += 1) assert.equal(balanced.pick(new AbortController().signal), healthy);
    assert.deepEqual(balanced.states().map((state) => [state.name, state.breaker, state.lastError]), [['down', 'open', 'upstream_unavailable'], ['up', 'closed', null]]);
    assert.equal(balanced.scrub('key-down key-up'), '*** ***', "every deployment's key is scrubbed");
  });

  it("a model's strategy wins over its provider's: least-latency sends a weighted favourite's traffic to the less loaded", async () => {
    let release: () => void = () => undefined;
    const slow = deployment('slow', 1, () => new Promise((resolve) => (release = () => resolve({ kind: 'completion', completion: {}, adjustments: [] }))));
    const fast = deployment('fast', 1);
    const balanced = new BalancedAdapter([slow, fast], () => 0, 'weighted');
    const pending = balanced.chat(call());
    await new Promise((resolve) => setTimeout(resolve, 30));
    release();
    await pending;
    await balanced.chat({ ...call(), model: { strategy: 'least-latency' } as ChatCall['model'] }); // measures fast: nearly 0 ms
    assert.equal(balanced.pick(new AbortController().signal), slow, 'weighted: the first draw');
    assert.equal(balanced.pick(new AbortController().signal, 'least-latency'), fast, "the model's least-latency: the one with the lower peak-EWMA");
  });

  it("a 429's Retry-After rests the deployment that long, at its first failure", async () => {
    const limited = deployment('limited', 1, async () => {
      throw mapUpstreamError({ provider: 'openai', status: 429, message: 'Rate limit reached', rawBody: '', retryAfter: '30', secrets: [] });
    });
    const other = deployment('other', 1);
    const balanced = new BalancedAdapter([limited, other], () => 0);
    const before = Date.now();
    await assert.rejects(balanced.chat(call()));
    assert.equal(limited.breaker.state, 'open', 'one 429 is enough');
    assert.ok(limited.breaker.reopensAt >= before + 29_000 && limited.breaker.reopensAt <= Date.now() + 30_000);
    assert.equal(balanced.pick(new AbortController().signal), other);
  });
});
