import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { rejection } from '../support/rejection.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/** A provider prefix routes explicitly, on every surface; the provider gets its own id. */
describe('provider-prefixed model ids', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  const upstreamModel = () => (stack.simulators.requests.at(-1)!.body as { model?: string }).model ?? stack.simulators.requests.at(-1)!.path;

  test('Chat Completions: openai/, fireworks/, google/ route to the provider, which gets its own id', async () => {
    for (const [requested, upstream] of [
      ['openai/gpt-5-mini', 'gpt-5-mini'],
      ['fireworks/gpt-oss-120b', 'accounts/fireworks/models/gpt-oss-120b'],
      ['xai/grok-4', 'grok-4'],
    ]) {
      const answer = await stack.client().chat.completions.create({ model: requested!, messages: [{ role: 'user', content: 'Hi' }] });
      assert.ok(answer.choices[0]!.message.content, requested);
      assert.equal(upstreamModel(), upstream, requested);
    }
    await stack.client().chat.completions.create({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] });
    assert.match(String(upstreamModel()), /gemini-2\.5-flash/);
  });

  test('Anthropic Messages and the Responses API take prefixed ids too', async () => {
    const anthropic = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    const message = await anthropic.messages.create({ model: 'anthropic/claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(message.type, 'message');
    assert.equal(upstreamModel(), 'claude-sonnet-4-6');
    const response = await stack.client().responses.create({ model: 'openai/gpt-5-mini', input: 'Hi' });
    assert.equal(response.status, 'completed');
    assert.equal(upstreamModel(), 'gpt-5-mini');
  });

  test('a prefix naming another provider than the model\'s, or an id no provider serves, is a 404', async () => {
    for (const model of ['xai/gpt-5-mini', 'openai/no-such-model']) {
      const error = await rejection(stack.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }));
      assert.equal(error.status, 404, model);
    }
  });
});
