import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import { collectChatStream, describeProviderConformance, TIME_TOOL, WEATHER_TOOL } from '../support/provider-conformance.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

describeProviderConformance({
  title: 'conformance: Claude models through the Anthropic adapter',
  models: BUILTIN_MODELS.filter((model) => model.provider === 'anthropic'),
});

describe('the Anthropic adapter end to end: what reaches Anthropic, and what the OpenAI client gets back', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  beforeEach(() => stack.simulators.reset());
  after(() => stack.close());

  const lastUpstream = () => stack.simulators.requests.filter((request) => request.provider === 'anthropic').at(-1)!;

  test("the gateway's key, anthropic-version and a Messages body: system hoisted, default max_tokens, no OpenAI-only fields", async () => {
    await stack.client().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }],
    });
    const upstream = lastUpstream();
    assert.equal(upstream.path, '/anthropic/v1/messages');
    assert.equal(upstream.headers['x-api-key'], PROVIDER_KEYS.anthropic);
    assert.equal(upstream.headers.authorization, undefined);
    assert.equal(upstream.headers['anthropic-version'], '2023-06-01');
    assert.deepEqual(upstream.body, { model: 'claude-sonnet-4-6', max_tokens: 8192, messages: [{ role: 'user', content: 'Hello' }], system: [{ type: 'text', text: 'Be brief.' }] });
  });

  test('parameters Anthropic cannot take are changed or dropped, and the client is told in x-switchyard-adjustments', async () => {
    const { data, response } = await stack
      .client()
      .chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hello' }], temperature: 1.6, presence_penalty: 0.4, seed: 3 })
      .withResponse();
    assert.ok(data.choices[0].message.content);
    const upstream = lastUpstream().body;
    assert.equal(upstream.temperature, 1);
    assert.equal('presence_penalty' in upstream || 'seed' in upstream, false);
    const adjustments = response.headers.get('x-switchyard-adjustments') ?? '';
    assert.match(adjustments, /temperature mapped: 1\.6 sent as 1/);
    assert.match(adjustments, /presence_penalty dropped/);
    assert.match(adjustments, /seed dropped/);
  });

  test('parallel tool results go back as ONE user turn of tool_result blocks, and the answer quotes them', async () => {
    const client = stack.client();
    const question = { role: 'user' as const, content: 'Use parallel calls: the weather in Paris and the time there.' };
    const first = await client.chat.completions.create({ model: 'claude-opus-4-5', messages: [question], tools: [WEATHER_TOOL, TIME_TOOL] });
    const message = first.choices[0].message;
    assert.match(message.content ?? '', /in parallel/, 'the text Claude wrote before its calls is kept');
    const calls = message.tool_calls as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[];
    const answer = await client.chat.completions.create({
      model: 'claude-opus-4-5',
      tools: [WEATHER_TOOL, TIME_TOOL],
      messages: [question, message, { role: 'tool', tool_call_id: calls[0].id, content: 'sunny, 21' }, { role: 'tool', tool_call_id: calls[1].id, content: '14:05' }],
    });
    assert.match(answer.choices[0].message.content ?? '', /14:05/);
    const upstream = lastUpstream().body;
    assert.equal(upstream.messages.length, 3);
    assert.deepEqual(upstream.messages[2], {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: calls[0].id, content: 'sunny, 21' },
        { type: 'tool_result', tool_use_id: calls[1].id, content: '14:05' },
      ],
    });
  });

  test('reasoning_effort turns on thinking: reasoning_content in answers and streams, and thinking_blocks sent back keep thinking on across a tool call', async () => {
    const client = stack.client();
    const completion = await client.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Why is the sky blue?' }], reasoning_effort: 'low' });
    assert.deepEqual(lastUpstream().body.thinking, { type: 'enabled', budget_tokens: 2048 });
    const message = completion.choices[0].message as OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string };
    assert.ok(message.reasoning_content);
    assert.ok(completion.usage!.completion_tokens > 0);

    const streamed = await collectChatStream(await client.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Why is the sky blue?' }], reasoning_effort: 'low', stream: true }));
    assert.equal(streamed.reasoning, message.reasoning_content);
    assert.equal(streamed.text, message.content);

    const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
    const toolTurn = await client.chat.completions.create({ model: 'claude-sonnet-4-6', messages: [question], tools: [WEATHER_TOOL], reasoning_effort: 'low' });
    const assistant = toolTurn.choices[0].message;
    const call = assistant.tool_calls![0];
    const { response } = await client.chat.completions
      .create({ model: 'claude-sonnet-4-6', tools: [WEATHER_TOOL], reasoning_effort: 'low', messages: [question, assistant, { role: 'tool', tool_call_id: call.id, content: '21 degrees' }] })
      .withResponse();
    assert.equal(lastUpstream().status, 200);
    assert.deepEqual(lastUpstream().body.thinking, { type: 'enabled', budget_tokens: 2048 }, 'the signed thinking block went back, so thinking stayed on');
    assert.doesNotMatch(response.headers.get('x-switchyard-adjustments') ?? '', /reasoning_effort dropped/);

    const { reasoning_content: _reasoning, thinking_blocks: _blocks, ...bare } = assistant as typeof assistant & { reasoning_content?: string; thinking_blocks?: unknown };
    const { response: bareResponse } = await client.chat.completions
      .create({ model: 'claude-sonnet-4-6', tools: [WEATHER_TOOL], reasoning_effort: 'low', messages: [question, bare, { role: 'tool', tool_call_id: call.id, content: '21 degrees' }] })
      .withResponse();
    assert.equal(lastUpstream().body.thinking, undefined, 'without the signed block Anthropic would refuse thinking, so it is turned off');
    assert.match(bareResponse.headers.get('x-switchyard-adjustments') ?? '', /reasoning_effort dropped/);
  });

  test('a stream costs what the same answer costs unstreamed, cache reads and writes included', async () => {
    const manual = 'Switchyard operations manual. '.repeat(300);
    const messages = [
      { role: 'system' as const, content: [{ type: 'text' as const, text: manual, cache_control: { type: 'ephemeral' } }] },
      { role: 'user' as const, content: 'How do I rotate keys?' },
    ];
    const first = await stack.client().chat.completions.create({ model: 'claude-sonnet-4-6', messages: messages as never });
    const written = (first.usage as { cache_creation_input_tokens?: number }).cache_creation_input_tokens ?? 0;
    assert.ok(written > 1024, 'the first request writes the cache');
    const streamed = await collectChatStream(await stack.client().chat.completions.create({ model: 'claude-sonnet-4-6', messages: messages as never, stream: true, stream_options: { include_usage: true } }));
    const usage = streamed.chunks.at(-1)!.usage!;
    assert.equal(usage.prompt_tokens_details?.cached_tokens, written, 'the repeat reads it');
    assert.equal(usage.prompt_tokens, first.usage!.prompt_tokens);
    assert.equal(usage.completion_tokens, first.usage!.completion_tokens);

    await stack.gateway.switchyard.usage.flush();
    const records = (await stack.gateway.switchyard.store.listUsageRecords()).filter((record) => record.model === 'claude-sonnet-4-6' && record.cacheWriteTokens);
    assert.equal(records.at(-1)?.cacheWriteTokens, written);
  });

  test('529 overloaded is retried before anything reached the client; when it lasts, the client gets a 503', async () => {
    stack.simulators.addFault({ provider: 'anthropic', status: 529 });
    const completion = await stack.client().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hello' }] });
    assert.ok(completion.choices[0].message.content);
    assert.equal(stack.simulators.requests.filter((request) => request.provider === 'anthropic').length, 2);

    stack.simulators.addFault({ provider: 'anthropic', status: 529, times: 10 });
    await assert.rejects(stack.client().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hello' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 503);
      return true;
    });
  });

  test("an overload event right after message_start is retried; one after text has streamed reaches the client as the stream's error", async () => {
    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 1, breakMode: 'error-event' });
    const retried = await collectChatStream(await stack.client().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hello' }], stream: true }));
    assert.match(retried.text, /simulated reply/);
    assert.equal(stack.simulators.requests.filter((request) => request.provider === 'anthropic').length, 2);

    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 5, breakMode: 'error-event' });
    const stream = await stack.client().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hello there, how are you today?' }], stream: true });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    });
    assert.ok(text.length > 0, 'the text before the failure arrived');
  });

  test("Anthropic's refusal of a request reaches the client as a 400 with Anthropic's words", async () => {
    await assert.rejects(
      stack.client().chat.completions.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100_000 }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 400);
        assert.match(error.message, /max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens/);
        return true;
      },
    );
  });
});
