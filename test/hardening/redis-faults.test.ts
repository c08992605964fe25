import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startStack, type Stack } from '../support/start-stack.ts';
import { skipUnless } from '../support/required-services.ts';

const REDIS = { host: '127.0.0.1', port: 6379 };

/**
 * Redis fails as networks fail (a TCP proxy blackholes it): once a hung Redis stopped every
 * request for as long as it hung, and after an outage its balances stayed above the ledger for good.
 * Required policy: admit on local counters, each instance on a share of the balance; when Redis
 * returns, rebuild its balances from the ledger.
 */
describe('a Redis blackhole: requests go on, within the balance, and Redis is reconciled with the ledger', { skip: await skipUnless('redis') }, () => {
  let proxy: FaultProxy;
  let stack: Stack;
  let direct: Redis;
  const prefix = `faults-${randomBytes(4).toString('hex')}:`;

  before(async () => {
    proxy = await startFaultProxy(REDIS);
    stack = await startStack({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, SWITCHYARD_REDIS_PREFIX: prefix, SWITCHYARD_REDIS_TIMEOUT_MS: '300' });
    direct = new Redis({ ...REDIS, lazyConnect: true });
    await direct.connect();
  });
  after(async () => {
    await stack.close();
    await proxy.close();
    const keys = await direct.keys(`${prefix}*`);
    if (keys.length > 0) await direct.del(...keys);
    await direct.quit();
  });

  async function organization(name: string, microCredits: number): Promise<{ id: string; client: OpenAI }> {
    const { switchyard } = stack.gateway;
    const created = await switchyard.accounts.createOrganization(name);
    if (microCredits > 0) await switchyard.credits.topUp(created.id, microCredits, 'test');
    return { id: created.id, client: stack.client('/v1', (await switchyard.accounts.createApiKey(name, 'tests')).secret) };
  }

  const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });

  async function ledgerBalance(organizationId: string): Promise<number> {
    await stack.gateway.switchyard.usage.flush();
    return (await stack.gateway.switchyard.store.listBalances()).get(organizationId) ?? 0;
  }

  test('while Redis is blackholed, requests are answered without waiting on it; an organization stops at its balance; afterwards Redis holds the ledger\'s balance', { timeout: 60_000 }, async () => {
    const rich = await organization('rich', 1_000_000_000);
    // About four answers' worth (one answer costs ~285 micro-credits).
    const small = await organization('small', 1_200);
    await ask(rich.client);
    await ask(small.client);
    assert.ok((await direct.get(`${prefix}balance:${small.id}`)) !== null, 'the balance was in Redis before the outage');

    proxy.setMode('blackhole');
    const latencies: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      const started = performance.now();
      await ask(rich.client);
      latencies.push(performance.now() - started);
    }
    assert.ok(Math.max(...latencies.slice(1)) < 1_000, `after the first, no request waits on Redis: ${latencies.map(Math.round).join(', ')} ms`);
    const credits = await fetch(`${stack.gateway.url}/v1/credits`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    assert.equal(credits.status, 200, '/credits answers from the ledger meanwhile');
    const readiness = (await (await fetch(`${stack.gateway.url}/readyz`)).json()) as { status: string; checks: Record<string, string> };
    assert.deepEqual([readiness.status, readiness.checks.redis], ['degraded', 'unavailable']);

    let served = 0;
    let refused = 0;
    for (let index = 0; index < 12; index += 1) {
      const outcome = await ask(small.client).then(
        () => 'served',
        (error: unknown) => (error instanceof OpenAI.APIError && error.status === 402 ? 'refused' : error),
      );
      if (outcome === 'served') served += 1;
      else if (outcome === 'refused') refused += 1;
      else throw outcome;
    }
    assert.ok(served >= 1 && refused >= 1, `served ${served}, refused ${refused}: the organization stopped at its balance`);
    const smallBalance = await ledgerBalance(small.id);
    assert.ok(smallBalance > -2_000, `overdraft within one reservation: ${smallBalance}`);

    proxy.setMode('pass');
    // The probe sees Redis again within a second, rebuilds, then requests use the shared counters again.
    const recoveredBy = performance.now() + 15_000;
    while (stack.gateway.switchyard.redisHealth!.down && performance.now() < recoveredBy) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(stack.gateway.switchyard.redisHealth!.down, false, 'Redis is used again');
    await ask(rich.client);
    const response = await fetch(`${stack.gateway.url}/v1/credits`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    assert.equal(response.status, 200);
    await fetch(`${stack.gateway.url}/v1/credits`, { headers: { authorization: `Bearer ${(await stack.gateway.switchyard.accounts.createApiKey('small', 'reader')).secret}` } });
    assert.equal(Number(await direct.get(`${prefix}balance:${small.id}`)), await ledgerBalance(small.id), 'Redis balance == ledger balance after the outage');
    assert.equal(Number(await direct.get(`${prefix}balance:${rich.id}`)) - (await ledgerBalance(rich.id)) <= 0, true, 'never above the ledger');
  });
});

describe('a Redis blackholed at start: the gateway starts, serves on local counters, and joins Redis when it answers', { skip: await skipUnless('redis') }, () => {
  let proxy: FaultProxy;
  let stack: Stack | undefined;
  let direct: Redis;
  const prefix = `faults-start-${randomBytes(4).toString('hex')}:`;

  before(async () => {
    proxy = await startFaultProxy(REDIS);
    direct = new Redis({ ...REDIS, lazyConnect: true });
    await direct.connect();
  });
  after(async () => {
    await stack?.close();
    await proxy.close();
    const keys = await direct.keys(`${prefix}*`);
    if (keys.length > 0) await direct.del(...keys);
    await direct.quit();
  });

  test('starts within a few timeouts, answers, and subscribes to key changes and breakers once Redis answers', { timeout: 60_000 }, async () => {
    proxy.setMode('blackhole');
    const startedAt = performance.now();
    stack = await startStack({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, SWITCHYARD_REDIS_PREFIX: prefix, SWITCHYARD_REDIS_TIMEOUT_MS: '300' });
    assert.ok(performance.now() - startedAt < 10_000, `started in ${Math.round(performance.now() - startedAt)} ms`);
    const answer = await stack.client('/v1').chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.ok(answer.choices[0].message.content);
    assert.equal(stack.gateway.switchyard.redisHealth!.down, true, 'metering runs on local counters meanwhile');
    // A top-up while Redis is down answers (an error would be retried, and credited twice) and is in the ledger once.
    const { switchyard } = stack.gateway;
    const organization = await switchyard.accounts.createOrganization('topped-up-in-outage');
    await switchyard.credits.topUp(organization.id, 5_000_000, 'during the outage');
    const topUps = (await switchyard.credits.listLedgerEntries(organization.id)).filter((entry) => entry.kind === 'top_up');
    assert.deepEqual(topUps.map((entry) => entry.amount), [5_000_000]);

    proxy.setMode('pass');
    // Both channels an instance listens on: key changes and opened circuit breakers.
    const subscribers = async (channel: string) => Number(((await direct.pubsub('NUMSUB', `${prefix}${channel}`)) as [string, number])[1]);
    const by = performance.now() + 15_000;
    while ((stack.gateway.switchyard.redisHealth!.down || (await subscribers('key-changes')) === 0 || (await subscribers('breakers')) === 0) && performance.now() < by) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(stack.gateway.switchyard.redisHealth!.down, false, 'Redis is used again');
    assert.equal(await subscribers('key-changes'), 1, 'the key change channel is subscribed');
    assert.equal(await subscribers('breakers'), 1, 'the breaker channel is subscribed');
    const reader = (await switchyard.accounts.createApiKey('topped-up-in-outage', 'reader')).secret;
    const credits = await fetch(`${stack.gateway.url}/v1/credits`, { headers: { authorization: `Bearer ${reader}` } });
    assert.equal(((await credits.json()) as { balance_micros: number }).balance_micros, 5_000_000, 'the shared balance holds the top-up');
    assert.equal(Number(await direct.get(`${prefix}balance:${organization.id}`)), 5_000_000, 'Redis holds the ledger balance');
  });
});
