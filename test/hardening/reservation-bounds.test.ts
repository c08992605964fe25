import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rejection } from '../support/rejection.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * A request's numbers never switch off its organization's credit check: a `max_tokens` of 1e308
 * once made the reservation Infinity and the reserved sum NaN, and `balance − NaN <= 0` is never
 * true, so an organization without credit was served until restart.
 */
describe('huge output limits keep the credit check on', () => {
  let stack: Stack;
  let brokeKey: string;
  before(async () => {
    stack = await startStack();
    await stack.gateway.switchyard.accounts.createOrganization('broke');
    brokeKey = (await stack.gateway.switchyard.accounts.createApiKey('broke', 'tests')).secret;
  });
  after(() => stack.close());

  test('chat completions: max_tokens and max_completion_tokens of 1e308 on an organization without credit get 402, nothing reaches the provider', async () => {
    const client = stack.client('/v1', brokeKey);
    stack.simulators.reset();
    for (const limit of [{ max_tokens: 1e308 }, { max_completion_tokens: 1e308 }]) {
      const error = await rejection(client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], ...limit }));
      assert.equal(error.status, 402, JSON.stringify(limit));
    }
    assert.equal(stack.simulators.requests.length, 0);
  });

  test('Responses: max_output_tokens of 1e308 gets 402', async () => {
    const error = await rejection(stack.client('/v1', brokeKey).responses.create({ model: 'gpt-5-mini', input: 'hi', max_output_tokens: 1e308 }));
    assert.equal(error.status, 402);
  });

  test('Anthropic Messages: max_tokens of 1e308 gets 402, passed through or translated', async () => {
    // Over HTTP: the Anthropic SDK itself refuses a non-streamed request with so large a max_tokens.
    for (const model of ['claude-sonnet-4-6', 'gpt-5-mini']) {
      const response = await fetch(`${stack.gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': brokeKey, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model, max_tokens: 1e308, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(response.status, 402, model);
      assert.equal(((await response.json()) as { error: { type: string } }).error.type, 'billing_error');
    }
  });

  test('after a request with max_tokens 1e308 settles, the organization\'s credit check still holds (its reservation once left NaN behind)', async () => {
    const { switchyard } = stack.gateway;
    const organization = await switchyard.accounts.createOrganization('nearly-broke');
    // 100 micro-credits: enough to be admitted once, less than one answer costs.
    await switchyard.credits.topUp(organization.id, 100, 'test');
    const client = stack.client('/v1', (await switchyard.accounts.createApiKey('nearly-broke', 'tests')).secret);
    await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1e308 });
    assert.ok((await switchyard.credits.balance(organization.id)) < 0, 'the answer cost more than the balance');
    for (const body of [{ max_tokens: 1e308 }, {}]) {
      const error = await rejection(client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], ...body }));
      assert.equal(error.status, 402);
    }
  });

  test('an organization with credit is still served with max_tokens 1e308: the value reaches the provider unchanged', async () => {
    stack.simulators.reset();
    const completion = await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1e308 });
    assert.ok(completion.choices[0]?.message);
    const sent = stack.simulators.requests.at(-1)!.body as Record<string, unknown>;
    assert.equal(sent.max_completion_tokens ?? sent.max_tokens, 1e308);
  });
});
