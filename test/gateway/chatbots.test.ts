import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * Chatbots as the hosted service has them: a preset made through the admin API answers at
 * `/v1/gateway/chatbots/{id}/chat/completions` (the official OpenAI client, its base URL the
 * chatbot's), streamed and not, with the credits it cost at the top level; the preset reaches the
 * provider; its fallbacks serve when its model's provider fails; a change applies on the next
 * request; another organization's key, or a deleted chatbot, gets a 404.
 */

const ADMIN_TOKEN = 'admin-token-for-chatbot-tests-0123456789';
const HELLO: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hello' }];

interface Answer {
  status: number;
  body: any;
  text: string;
}

describe('chatbots', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_MAX_RETRIES: '1' });
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  async function call(method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? ADMIN_TOKEN}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.gateway.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
  }

  async function createChatbot(body: Record<string, unknown>, organization = 'acme'): Promise<any> {
    const answer = await call('POST', `/admin/v1/organizations/${organization}/chatbots`, { body });
    assert.equal(answer.status, 201, answer.text);
    assert.match(answer.body.id, /^cb_[A-Za-z0-9_-]+$/);
    return answer.body;
  }

  /** The official OpenAI client, pointed at one chatbot: it posts to `<base>/chat/completions`. */
  function chatbotClient(id: string, apiKey = stack.apiKey): OpenAI {
    return new OpenAI({ baseURL: `${stack.gateway.url}/v1/gateway/chatbots/${id}`, apiKey, maxRetries: 0 });
  }

  /** The debit the ledger holds for a request, in micro-credits (negative). */
  async function debitOf(requestId: string): Promise<number | undefined> {
    const record = await stack.usageRecordOf(requestId);
    const entries = await stack.gateway.switchyard.store.listLedgerEntries({ organizationId: record.organizationId, limit: 10_000 });
    return entries.find((entry) => entry.requestId === requestId)?.amount;
  }

  const lastRequestTo = (provider: string) => stack.simulators.requests.filter((request) => request.provider === provider).at(-1);

  it('answers a chat completion with its credits at the top level, equal to the usage record and the ledger debit; the preset reaches the provider', async () => {
    const chatbot = await createChatbot({
      name: 'pirate',
      model: 'gpt-5-chat-latest',
      system_prompt: 'You are a pirate. Answer like one.',
      parameters: { temperature: 0.3, max_tokens: 120, stop: ['END'] },
    });
    assert.deepEqual(chatbot.parameters, { temperature: 0.3, max_tokens: 120, stop: ['END'] });
    assert.equal(chatbot.organization, 'acme');

    const { data: completion, response } = await chatbotClient(chatbot.id).chat.completions.create({ model: 'chatbot', messages: HELLO }).withResponse();
    assert.equal(completion.object, 'chat.completion');
    assert.ok(completion.choices[0]?.message.content, 'the answer has text');
    const credits = (completion as unknown as { credits: unknown }).credits;
    assert.equal(typeof credits, 'number');
    const requestId = response.headers.get('x-request-id')!;
    const record = await stack.usageRecordOf(requestId);
    assert.ok(record.cost > 0, 'the request cost something');
    assert.equal(credits, record.cost / 1_000_000);
    assert.equal((completion.usage as unknown as { cost: number }).cost, credits, 'usage.cost says the same');
    assert.equal(await debitOf(requestId), -record.cost, 'the ledger debit is the same amount');
    assert.equal(record.model, 'gpt-5-chat-latest');
    assert.equal(record.surface, 'chatbot');

    const upstream = lastRequestTo('openai')!;
    assert.deepEqual(upstream.body.messages, [
      { role: 'system', content: 'You are a pirate. Answer like one.' },
      { role: 'user', content: 'Hello' },
    ]);
    assert.equal(upstream.body.model, 'gpt-5-chat-latest');
    assert.equal(upstream.body.temperature, 0.3);
    // gpt-5-chat-latest takes the output limit as max_completion_tokens (its catalog parameter rules).
    assert.equal(upstream.body.max_completion_tokens ?? upstream.body.max_tokens, 120);
    assert.deepEqual(upstream.body.stop, ['END']);
    assert.equal(upstream.body.models, undefined, 'the gateway field models is never forwarded');
  });

  it('streams with usage and credits in the final chunk, whether or not the client asked for usage, on a translated provider too', async () => {
    for (const model of ['gpt-5-chat-latest', 'claude-sonnet-4-6']) {
      const chatbot = await createChatbot({ name: `streamer-${model}`, model, system_prompt: 'Be brief.', parameters: { max_tokens: 200 } });
      const { data: stream, response } = await chatbotClient(chatbot.id).chat.completions.create({ model: 'chatbot', messages: HELLO, stream: true }).withResponse();
      let text = '';
      const chunks: any[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      assert.ok(text.length > 0, `${model}: the stream carried text`);
      const final = chunks.at(-1);
      assert.ok(final.usage, `${model}: the final chunk carries usage: ${JSON.stringify(final)}`);
      assert.deepEqual(final.choices, []);
      assert.equal(typeof final.credits, 'number', `${model}: and credits beside it`);
      assert.equal(chunks.filter((chunk) => chunk.credits !== undefined).length, 1, 'credits come once');
      const requestId = response.headers.get('x-request-id')!;
      const record = await stack.usageRecordOf(requestId);
      assert.equal(final.credits, record.cost / 1_000_000, `${model}: credits are what the request was billed`);
      assert.equal(final.usage.cost, final.credits);
      assert.equal(await debitOf(requestId), -record.cost);
      assert.equal(record.streamed, true);
    }
    const toAnthropic = lastRequestTo('anthropic')!;
    assert.match(JSON.stringify(toAnthropic.body.system), /Be brief\./, "the system prompt reaches Anthropic's system field");
    assert.equal(toAnthropic.body.max_tokens, 200);
  });

  it("another organization's key gets a 404 for the chatbot, as for one that does not exist; its own list shows only its own", async () => {
    const chatbot = await createChatbot({ name: 'private', model: 'gpt-5-chat-latest' });
    assert.equal((await call('POST', '/admin/v1/organizations', { body: { name: 'globex' } })).status, 201);
    assert.equal((await call('POST', '/admin/v1/organizations/globex/credits', { body: { amount: '10' } })).status, 201);
    const key = await call('POST', '/admin/v1/organizations/globex/keys', { body: { name: 'other' } });
    const otherKey = key.body.secret as string;
    for (const id of [chatbot.id, 'cb_doesnotexist0000', 'not-a-chatbot-id']) {
      const refused = await chatbotClient(id, otherKey)
        .chat.completions.create({ model: 'chatbot', messages: HELLO })
        .then(
          () => assert.fail('answered'),
          (error: unknown) => error,
        );
      assert.ok(refused instanceof OpenAI.NotFoundError, String(refused));
      assert.equal(refused.code, 'chatbot_not_found');
    }
    assert.equal(stack.simulators.requests.length, 0, 'no provider was called');
    const theirs = await call('GET', '/v1/gateway/chatbots/', { token: otherKey });
    assert.equal(theirs.status, 200, theirs.text);
    assert.deepEqual(theirs.body.data, []);
    assert.equal((await call('GET', `/v1/gateway/chatbots/${chatbot.id}`, { token: otherKey })).status, 404);
    const ours = await call('GET', '/v1/gateway/chatbots', { token: stack.apiKey });
    assert.ok(ours.body.data.some((each: { id: string }) => each.id === chatbot.id));
    assert.equal((await call('GET', `/v1/gateway/chatbots/${chatbot.id}/`, { token: stack.apiKey })).body.name, 'private');
  });

  it("falls back to the next model when the chatbot's model's provider fails", async () => {
    const chatbot = await createChatbot({ name: 'resilient', model: 'grok-4', fallbacks: ['gpt-5-chat-latest'] });
    stack.simulators.addFault({ provider: 'xai', status: 503, times: 10 });
    const { data: completion, response } = await chatbotClient(chatbot.id).chat.completions.create({ model: 'chatbot', messages: HELLO }).withResponse();
    assert.equal(response.headers.get('x-switchyard-model'), 'gpt-5-chat-latest');
    assert.ok(stack.simulators.requests.some((request) => request.provider === 'xai'), 'grok-4 was tried first');
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.model, 'gpt-5-chat-latest');
    assert.equal((completion as unknown as { credits: number }).credits, record.cost / 1_000_000);
  });

  it('a change through the admin API applies on the next request; a deleted chatbot is a 404', async () => {
    const chatbot = await createChatbot({ name: 'changing', model: 'gpt-5-chat-latest', system_prompt: 'First prompt.', parameters: { temperature: 0.5, max_tokens: 100 } });
    const client = chatbotClient(chatbot.id);
    await client.chat.completions.create({ model: 'chatbot', messages: HELLO });
    assert.equal(lastRequestTo('openai')!.body.messages[0].content, 'First prompt.');

    const changed = await call('PATCH', `/admin/v1/chatbots/${chatbot.id}`, { body: { system_prompt: 'Second prompt.', parameters: { temperature: null, top_p: 0.9 } } });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(changed.body.parameters, { max_tokens: 100, top_p: 0.9 });
    await client.chat.completions.create({ model: 'chatbot', messages: HELLO });
    const upstream = lastRequestTo('openai')!.body;
    assert.equal(upstream.messages[0].content, 'Second prompt.');
    assert.equal(upstream.temperature, undefined);
    assert.equal(upstream.top_p, 0.9);

    const deleted = await call('DELETE', `/admin/v1/chatbots/${chatbot.id}`);
    assert.deepEqual(deleted.body, { id: chatbot.id, object: 'chatbot.deleted', deleted: true });
    await assert.rejects(client.chat.completions.create({ model: 'chatbot', messages: HELLO }), (error: unknown) => error instanceof OpenAI.NotFoundError);
    assert.equal((await call('GET', `/admin/v1/chatbots/${chatbot.id}`)).status, 404);
    assert.equal((await call('DELETE', `/admin/v1/chatbots/${chatbot.id}`)).status, 404);
  });

  it('refuses a body field the preset owns with a 422 naming it, in the error envelope', async () => {
    const chatbot = await createChatbot({ name: 'strict', model: 'gpt-5-chat-latest' });
    const path = `/v1/gateway/chatbots/${chatbot.id}/chat/completions/`;
    const extra = await call('POST', path, { token: stack.apiKey, body: { messages: HELLO, temperature: 1.5 } });
    assert.equal(extra.status, 422, extra.text);
    assert.equal(extra.body.error.code, 'validation_error');
    assert.deepEqual(extra.body.detail[0].loc, ['body', 'temperature']);
    const missing = await call('POST', path, { token: stack.apiKey, body: { stream: false } });
    assert.equal(missing.status, 422, missing.text);
    assert.deepEqual(missing.body.detail[0].loc, ['body', 'messages']);
    const plain = await call('POST', path, { token: stack.apiKey, body: { messages: HELLO, stream: false } });
    assert.equal(plain.status, 200, plain.text);
    assert.equal(typeof plain.body.credits, 'number');
    assert.equal(stack.simulators.requests.length, 1);
  });

  it('the admin API refuses unknown models, bad parameters and a taken name, and lists and reads chatbots', async () => {
    const base = { name: 'checked', model: 'gpt-5-chat-latest' };
    const unknownModel = await call('POST', '/admin/v1/organizations/acme/chatbots', { body: { ...base, model: 'no-such-model' } });
    assert.equal(unknownModel.status, 422, unknownModel.text);
    assert.deepEqual(unknownModel.body.detail[0].loc, ['body', 'model']);
    const unknownFallback = await call('POST', '/admin/v1/organizations/acme/chatbots', { body: { ...base, fallbacks: ['gpt-5-mini', 'nope'] } });
    assert.deepEqual(unknownFallback.body.detail[0].loc, ['body', 'fallbacks']);
    const hot = await call('POST', '/admin/v1/organizations/acme/chatbots', { body: { ...base, parameters: { temperature: 3 } } });
    assert.equal(hot.status, 422);
    assert.deepEqual(hot.body.detail[0].loc, ['body', 'parameters', 'temperature']);
    const unknownParameter = await call('POST', '/admin/v1/organizations/acme/chatbots', { body: { ...base, parameters: { tools: [] } } });
    assert.deepEqual(unknownParameter.body.detail[0].loc, ['body', 'parameters', 'tools']);
    const unnamed = await call('POST', '/admin/v1/organizations/acme/chatbots', { body: { ...base, name: '  ' } });
    assert.deepEqual(unnamed.body.detail[0].loc, ['body', 'name']);
    const typo = await call('POST', '/admin/v1/organizations/acme/chatbots', { body: { ...base, system: 'x' } });
    assert.deepEqual(typo.body.detail[0].loc, ['body', 'system']);
    assert.equal((await call('POST', '/admin/v1/organizations/nobody/chatbots', { body: base })).status, 404);

    const created = await createChatbot({ ...base, model: 'openai/gpt-5-mini' });
    assert.equal(created.model, 'gpt-5-mini', 'a provider-prefixed id is stored as the catalog model it names');
    const taken = await call('POST', '/admin/v1/organizations/acme/chatbots', { body: base });
    assert.equal(taken.status, 409, taken.text);
    assert.equal((await call('GET', `/admin/v1/chatbots/${created.id}`)).body.name, 'checked');
    const listed = await call('GET', '/admin/v1/organizations/acme/chatbots');
    assert.ok(listed.body.data.some((each: { id: string }) => each.id === created.id));
    const all = await call('GET', '/admin/v1/chatbots?organization=acme');
    assert.deepEqual(all.body.data, listed.body.data);
    assert.equal((await call('PATCH', `/admin/v1/chatbots/${created.id}`, { body: { fallbacks: ['gpt-5-mini'] } })).status, 422, "a fallback may not be the chatbot's own model");
    assert.equal((await call('GET', '/admin/v1/organizations/acme/chatbots', { token: stack.apiKey })).status, 401, 'a tenant key is not the admin token');
  });
});
