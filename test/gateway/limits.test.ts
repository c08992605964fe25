import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { RunningGateway } from '../../src/server/start-gateway.ts';
import type { KeyLimits, OrganizationLimits } from '../../src/store/store.ts';
import { redisTestEnvironment } from '../support/redis-test-environment.ts';
import { rejection } from '../support/rejection.ts';
import { startPeerGateway } from '../support/start-peer-gateway.ts';
import { startStack, type Stack } from '../support/start-stack.ts';
import { skipUnless } from '../support/required-services.ts';

const HELLO = { model: 'gpt-5-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };

let organizations = 0;

/** A new organization with credit and one key, with the limits given, as the admin API would set them. */
async function keyWith(gateway: RunningGateway, settings: { limits?: KeyLimits; organizationLimits?: OrganizationLimits; allowedModels?: string[]; expiresAt?: string } = {}) {
  const { accounts, credits, store, keyCache } = gateway.switchyard;
  const organization = await accounts.createOrganization(`limited-${(organizations += 1)}`);
  await credits.topUp(organization.id, 10_000_000);
  const { key, secret } = await accounts.createApiKey(organization.name, 'test');
  if (settings.organizationLimits) await store.updateOrganization(organization.id, { limits: settings.organizationLimits });
  await store.updateApiKey(key.id, { limits: settings.limits, allowedModels: settings.allowedModels, expiresAt: settings.expiresAt });
  await keyCache.sync();
  return { organization, key, secret, client: (url = gateway.url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 }) };
}

describe('limits and switches, seen through the official openai client', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('requests per minute: answers carry x-ratelimit-*; over the limit, 429 with Retry-After', async () => {
    const { client } = await keyWith(stack.gateway, { limits: { requestsPerMinute: 2 } });
    const { response: first } = await client().chat.completions.create(HELLO).withResponse();
    assert.equal(first.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(first.headers.get('x-ratelimit-remaining-requests'), '1');
    assert.match(first.headers.get('x-ratelimit-reset-requests') ?? '', /^(\d+m)?\d+(\.\d+)?s$/, 'OpenAI\'s duration format');
    const { response: second } = await client().chat.completions.create({ ...HELLO, stream: true }).withResponse();
    assert.equal(second.headers.get('x-ratelimit-remaining-requests'), '0', 'streams carry them too');
    const error = await rejection(client().chat.completions.create(HELLO));
    assert.equal(error.status, 429);
    assert.match(error.message, /Rate limit exceeded: this API key may use 2 requests per minute/);
    assert.ok(Number(error.headers?.get('retry-after')) >= 1);
    assert.equal(error.headers?.get('x-ratelimit-limit-requests'), '2');
    assert.equal(error.headers?.get('x-ratelimit-remaining-requests'), '0');
  });

  test('an organization limit binds all its keys together', async () => {
    const { client, organization, key } = await keyWith(stack.gateway, { organizationLimits: { requestsPerMinute: 1 } });
    await client().chat.completions.create(HELLO);
    const { secret } = await stack.gateway.switchyard.accounts.createApiKey(organization.name, 'second');
    const other = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const error = await rejection(other.chat.completions.create(HELLO));
    assert.equal(error.status, 429);
    assert.match(error.message, /this organization may use 1 requests per minute/);
    assert.ok(key.id);
  });

  test('tokens per minute: once a minute\'s tokens reach the limit, 429 with x-ratelimit-*-tokens', async () => {
    const { client } = await keyWith(stack.gateway, { limits: { tokensPerMinute: 20 } });
    const { data, response } = await client().chat.completions.create(HELLO).withResponse();
    assert.equal(response.headers.get('x-ratelimit-limit-tokens'), '20');
    assert.equal(response.headers.get('x-ratelimit-remaining-tokens'), '20', 'tokens count once a request has finished');
    assert.ok(data.usage!.total_tokens >= 20);
    const error = await rejection(client().chat.completions.create(HELLO));
    assert.equal(error.status, 429);
    assert.match(error.message, /may use 20 tokens per minute/);
    assert.equal(error.headers?.get('x-ratelimit-remaining-tokens'), '0');
    assert.ok(Number(error.headers?.get('retry-after')) >= 1);
  });

  test('concurrent requests: one over the limit is refused with 429 while the others run, admitted once they end', async () => {
    const { client } = await keyWith(stack.gateway, { limits: { concurrentRequests: 1 } });
    stack.simulators.addFault({ provider: 'openai', firstByteDelayMs: 300 });
    const calls = stack.simulators.requests.length;
    const slow = client().chat.completions.create(HELLO);
    // The first request holds its slot from admission until its answer ends; once the provider has it, it is surely in flight.
    while (stack.simulators.requests.length === calls) await new Promise((resolve) => setImmediate(resolve));
    const error = await rejection(client().chat.completions.create(HELLO));
    assert.equal(error.status, 429);
    assert.match(error.message, /may have 1 requests in flight at once/);
    assert.equal(error.headers?.get('retry-after'), '1');
    await slow;
    await client().chat.completions.create(HELLO);
  });

  test('a disabled organization gets 403', async () => {
    const { client, organization } = await keyWith(stack.gateway);
    await client().chat.completions.create(HELLO);
    await stack.gateway.switchyard.store.updateOrganization(organization.id, { disabledAt: new Date().toISOString() });
    await stack.gateway.switchyard.keyCache.sync();
    const error = await rejection(client().chat.completions.create(HELLO));
    assert.equal(error.status, 403);
    assert.match(error.message, /disabled/);
  });

  test('a key limited to some models gets 403 on the others, and no provider is called', async () => {
    const { client } = await keyWith(stack.gateway, { allowedModels: ['gpt-5-mini'] });
    await client().chat.completions.create(HELLO);
    const calls = stack.simulators.requests.length;
    const error = await rejection(client().chat.completions.create({ ...HELLO, model: 'grok-4' }));
    assert.equal(error.status, 403);
    assert.match(error.message, /not allowed to use model 'grok-4'/);
    assert.equal(stack.simulators.requests.length, calls);
  });

  test('a key limited to two models lists exactly those two, on every model list, and not the others', async () => {
    const { client, secret } = await keyWith(stack.gateway, { allowedModels: ['gpt-5-mini', 'claude-sonnet-4-6'] });
    for (const basePath of ['/v1', '/v1/gateway', '/v1/api/openai']) {
      const listed = (await new OpenAI({ baseURL: `${stack.gateway.url}${basePath}`, apiKey: secret, maxRetries: 0 }).models.list()).data.map((model) => model.id);
      assert.deepEqual(listed.sort(), ['claude-sonnet-4-6', 'gpt-5-mini'], basePath);
    }
    assert.equal((await client().models.retrieve('gpt-5-mini')).id, 'gpt-5-mini');
    assert.equal((await rejection(client().models.retrieve('grok-4'))).status, 404);
  });

  test('an expired key gets 401', async () => {
    const { client } = await keyWith(stack.gateway, { expiresAt: new Date(Date.now() - 1_000).toISOString() });
    const error = await rejection(client().chat.completions.create(HELLO));
    assert.equal(error.status, 401);
  });
});

describe('limits across two instances sharing Redis', { skip: await skipUnless('redis') }, () => {
  const redis = redisTestEnvironment();
  let stack: Stack;
  let peer: RunningGateway;
  before(async () => {
    stack = await startStack(redis.environment);
    peer = await startPeerGateway(stack);
  });
  after(async () => {
    await peer.close();
    await stack.close();
    await redis.clear();
  });

  test('a key revoked through one instance is refused by the other within one second', async () => {
    const { key, client } = await keyWith(stack.gateway);
    await client(peer.url).chat.completions.create(HELLO);
    const revokedAt = performance.now();
    await stack.gateway.switchyard.accounts.revokeApiKey(key.id);
    let status = 200;
    while (status !== 401 && performance.now() - revokedAt < 1_000) {
      status = (await fetch(`${peer.url}/v1/credits`, { headers: { authorization: `Bearer ${client(peer.url).apiKey}` } })).status;
    }
    assert.equal(status, 401, `refused ${Math.round(performance.now() - revokedAt)} ms after the revocation`);
  });

  test('an organization disabled through one instance is refused by the other within one second', async () => {
    const { organization, client } = await keyWith(stack.gateway);
    await client(peer.url).chat.completions.create(HELLO);
    const disabledAt = performance.now();
    await stack.gateway.switchyard.accounts.updateOrganization(organization.name, { disabled: true });
    let status = 200;
    while (status !== 403 && performance.now() - disabledAt < 1_000) {
      status = (await fetch(`${peer.url}/v1/credits`, { headers: { authorization: `Bearer ${client(peer.url).apiKey}` } })).status;
    }
    assert.equal(status, 403);
  });

  test('requests per minute count across instances', async () => {
    const { client } = await keyWith(stack.gateway, { limits: { requestsPerMinute: 2 } });
    await client(stack.gateway.url).chat.completions.create(HELLO);
    await client(peer.url).chat.completions.create(HELLO);
    const error = await rejection(client(stack.gateway.url).chat.completions.create(HELLO));
    assert.equal(error.status, 429);
  });
});
