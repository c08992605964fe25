import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import LegacyAnthropic from 'anthropic-sdk-legacy';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

/** Translated models of every other provider, and a Claude model passed through. */
const TRANSLATED_MODELS = ['gpt-5-mini', 'grok-4', 'accounts/fireworks/models/gpt-oss-120b', 'gemini-2.5-flash'];
const PASS_THROUGH_MODEL = 'claude-sonnet-4-6';

type AnyAnthropic = Pick<Anthropic, 'messages' | 'models'>;

describe('Anthropic Messages surface with the official Anthropic SDKs', () => {
  let stack: Stack;
  const clients: { name: string; create: () => AnyAnthropic }[] = [
    // Current SDKs send `Authorization: Bearer` with a newer anthropic-version.
    { name: 'current SDK (Bearer) on /v1/gateway/claude', create: () => new Anthropic({ baseURL: `${stack.gateway.url}/v1/gateway/claude`, apiKey: stack.apiKey, maxRetries: 0 }) },
    // Older SDKs and Claude Code send `x-api-key` with anthropic-version 2023-06-01.
    { name: 'legacy SDK (x-api-key) on /', create: () => new LegacyAnthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 }) as unknown as AnyAnthropic },
  ];
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  for (const { name, create } of clients) {
    for (const model of [...TRANSLATED_MODELS, PASS_THROUGH_MODEL]) {
      test(`${name}: ${model} answers non-stream and stream with the same text`, async () => {
        const client = create();
        const params = { model, max_tokens: 512, messages: [{ role: 'user' as const, content: 'Name three colours of the rainbow.' }] };
        const message = await client.messages.create(params);
        assert.equal(message.type, 'message');
        assert.equal(message.role, 'assistant');
        assert.equal(message.model, model);
        assert.equal(message.stop_reason, 'end_turn');
        const text = message.content.filter((block) => block.type === 'text').map((block) => (block as { text: string }).text).join('');
        assert.ok(text.length > 0);
        assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);

        const stream = client.messages.stream(params);
        const events: string[] = [];
        stream.on('streamEvent', (event) => events.push(event.type));
        const streamed = await stream.finalMessage();
        const streamedText = streamed.content.filter((block) => block.type === 'text').map((block) => (block as { text: string }).text).join('');
        assert.ok(streamedText.length > 0);
        assert.equal(events[0], 'message_start');
        assert.equal(events.at(-1), 'message_stop');
        assert.ok(events.includes('content_block_delta'));
        assert.ok(streamed.usage.output_tokens > 0, 'usage arrives with message_delta');
      });

      test(`${name}: ${model} tool use round trip; the streamed tool_use input equals the non-stream one`, async () => {
        const client = create();
        const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
        const message = await client.messages.create({ model, max_tokens: 512, tools: [WEATHER_TOOL], messages: [question] });
        assert.equal(message.stop_reason, 'tool_use');
        const toolUses = message.content.filter((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock[];
        assert.equal(toolUses.length, 1);
        assert.equal(toolUses[0].name, 'get_weather');
        assert.equal(typeof (toolUses[0].input as { city?: unknown }).city, 'string');

        const streamed = await client.messages.stream({ model, max_tokens: 512, tools: [WEATHER_TOOL], messages: [question] }).finalMessage();
        const streamedUses = streamed.content.filter((block) => block.type === 'tool_use') as Anthropic.ToolUseBlock[];
        assert.equal(streamed.stop_reason, 'tool_use');
        assert.equal(streamedUses.length, 1);
        assert.equal(streamedUses[0].name, toolUses[0].name);
        assert.deepEqual(streamedUses[0].input, toolUses[0].input);

        const answer = await client.messages.create({
          model,
          max_tokens: 512,
          tools: [WEATHER_TOOL],
          messages: [
            question,
            { role: 'assistant', content: message.content },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUses[0].id, content: '{"temperature": 21}' }] },
          ],
        });
        assert.equal(answer.stop_reason, 'end_turn');
        const text = answer.content.filter((block) => block.type === 'text').map((block) => (block as { text: string }).text).join('');
        assert.match(text, /21/);
      });
    }
  }

  test('a translated request reaches the provider in its own format, with the gateway key and never the client key', async () => {
    stack.simulators.reset();
    await clients[1].create().messages.create({ model: 'gpt-5-mini', max_tokens: 300, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
    const upstream = stack.simulators.requests.at(-1)!;
    assert.equal(upstream.provider, 'openai');
    assert.deepEqual(upstream.body.messages[0], { role: 'system', content: 'Be brief.' });
    assert.equal(upstream.body.max_completion_tokens, 300);
    assert.equal(upstream.headers.authorization, `Bearer ${PROVIDER_KEYS.openai}`);
    assert.doesNotMatch(JSON.stringify(upstream.headers), new RegExp(stack.apiKey));
  });

  test('a Claude model is passed through with its version and beta headers and the gateway key', async () => {
    stack.simulators.reset();
    await clients[1].create().messages.create(
      { model: PASS_THROUGH_MODEL, max_tokens: 300, messages: [{ role: 'user', content: 'Hi' }] },
      { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } },
    );
    const upstream = stack.simulators.requests.at(-1)!;
    assert.equal(upstream.provider, 'anthropic');
    assert.equal(upstream.path, '/anthropic/v1/messages');
    assert.equal(upstream.headers['anthropic-version'], '2023-06-01');
    assert.equal(upstream.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
    assert.equal(upstream.headers['x-api-key'], PROVIDER_KEYS.anthropic);
    assert.doesNotMatch(JSON.stringify(upstream.headers), new RegExp(stack.apiKey));
  });

  test('a translated stream that fails midway ends with an Anthropic error event the SDK raises', async () => {
    stack.simulators.addFault({ provider: 'openai', afterChunks: 2, breakMode: 'disconnect' });
    const stream = clients[0].create().messages.stream({ model: 'gpt-5-mini', max_tokens: 300, messages: [{ role: 'user', content: 'Tell me a story.' }] });
    await assert.rejects(stream.finalMessage(), (error: Error) => /stream ended abnormally/.test(error.message));
  });

  test('Claude models get the body passed through for Anthropic to judge: system messages in the list, new block types, unknown fields', async () => {
    const client = clients[0].create();
    const body = {
      model: 'claude-sonnet-4-6',
      max_tokens: 64,
      messages: [
        { role: 'user' as const, content: 'Hi' },
        { role: 'assistant' as const, content: 'Hello.' },
        { role: 'system', content: 'From here on, answer in one word.' },
        { role: 'user' as const, content: [{ type: 'text' as const, text: 'And now?' }] },
      ],
    };
    const answer = await client.messages.create(body as never);
    assert.equal(answer.type, 'message');
    const forwarded = stack.simulators.requests.at(-1)!.body as { messages: { role: string }[] };
    assert.deepEqual(forwarded.messages.map((message) => message.role), ['user', 'assistant', 'system', 'user'], 'sent as written');
  });

  for (const model of [PASS_THROUGH_MODEL, 'gpt-5-mini', 'gemini-2.5-flash']) {
    test(`${model}: an agent loop ends: a tool result sent in a user turn beside text (as Claude Code does) gets a text answer, not another tool call`, async () => {
      const client = clients[1].create();
      const tools = [{ name: 'Bash', description: 'Runs a command.', input_schema: { type: 'object' as const, properties: { command: { type: 'string' } }, required: ['command'] } }];
      const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'List the files.' }];
      const first = await client.messages.create({ model, max_tokens: 512, tools, messages });
      assert.equal(first.stop_reason, 'tool_use');
      const toolUse = first.content.find((block) => block.type === 'tool_use')!;
      messages.push({ role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'README.md' }, { type: 'text', text: '<system-reminder>Be concise.</system-reminder>' }] });
      const second = await client.messages.create({ model, max_tokens: 512, tools, messages });
      assert.equal(second.stop_reason, 'end_turn');
      assert.ok(second.content.every((block) => block.type !== 'tool_use'));
    });
  }

  test('a system message inside the list reaches a translated model as a system message in its place', async () => {
    const client = clients[0].create();
    await client.messages.create({
      model: 'gpt-5-mini',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello.' }, { role: 'system', content: 'Answer in one word.' } as never, { role: 'user', content: 'And now?' }],
    });
    const forwarded = stack.simulators.requests.at(-1)!.body as { messages: { role: string; content: unknown }[] };
    assert.deepEqual(forwarded.messages.map((message) => message.role), ['user', 'assistant', 'system', 'user']);
    assert.equal(forwarded.messages[2]!.content, 'Answer in one word.');
  });

  test('errors use Anthropic\'s shape beside detail: no key, bad key, unknown model, bad body', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${stack.gateway.url}/v1/gateway/claude/v1/messages/`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers }, body: JSON.stringify(body) });
    const valid = { model: 'gpt-5-mini', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] };
    const cases: { headers: Record<string, string>; body: unknown; status: number; type: string; message: string | RegExp }[] = [
      { headers: {}, body: valid, status: 401, type: 'authentication_error', message: 'Authorization header is not supplied' },
      { headers: { 'x-api-key': 'sy_wrong' }, body: valid, status: 401, type: 'authentication_error', message: 'Invalid API key' },
      { headers: { 'x-api-key': stack.apiKey }, body: { ...valid, model: 'nope' }, status: 404, type: 'not_found_error', message: "Model 'nope' not found" },
      // Anthropic answers an invalid request with a 400, in its own words (no FastAPI `body.` prefix).
      { headers: { 'x-api-key': stack.apiKey }, body: { model: 'gpt-5-mini', messages: valid.messages }, status: 400, type: 'invalid_request_error', message: 'max_tokens: Field required' },
      // What only translation reads is checked for translated models, in the same shape.
      { headers: { 'x-api-key': stack.apiKey }, body: { ...valid, messages: [{ role: 'user', content: 5 }] }, status: 400, type: 'invalid_request_error', message: /^messages\.0\.content: / },
    ];
    for (const expected of cases) {
      const response = await post(expected.headers, expected.body);
      assert.equal(response.status, expected.status);
      const body = (await response.json()) as { type: string; error: { type: string; message: string }; detail: unknown };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, expected.type);
      if (typeof expected.message === 'string') assert.equal(body.error.message, expected.message);
      else assert.match(body.error.message, expected.message);
      assert.ok(body.detail, 'the hosted service\'s detail is there too');
    }
  });

  test('count_tokens: Claude models are counted by Anthropic, the others estimated with a tokenizer', async () => {
    const client = clients[0].create() as Anthropic;
    const counted = await client.messages.countTokens({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'How many tokens is this sentence?' }] });
    assert.ok(counted.input_tokens > 5 && counted.input_tokens < 40);
    const claude = await client.messages.countTokens({ model: PASS_THROUGH_MODEL, messages: [{ role: 'user', content: 'How many tokens is this sentence?' }] });
    assert.ok(claude.input_tokens > 0);
  });

  test('the Anthropic model list shows every available model in Anthropic\'s format', async () => {
    const client = clients[0].create() as Anthropic;
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 5 })) {
      assert.equal(model.type, 'model');
      ids.push(model.id);
    }
    assert.ok(ids.includes('gpt-5-mini') && ids.includes(PASS_THROUGH_MODEL));
    assert.equal(new Set(ids).size, ids.length, 'pagination repeats no model');
  });
});
