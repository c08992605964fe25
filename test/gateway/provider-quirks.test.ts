import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { collectChatStream as collectStream, IMAGE_URL, WEATHER_TOOL } from '../support/provider-conformance.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

describe('images, tools and roles through the gateway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('an image_url part reaches a vision model upstream unchanged', async () => {
    const completion = await stack.client().chat.completions.create({
      model: 'gpt-5',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: IMAGE_URL } }] }],
    });
    assert.ok(completion.choices[0].message.content);
    const upstream = stack.simulators.requests.at(-1)!;
    assert.deepEqual(upstream.body.messages[0].content[1], { type: 'image_url', image_url: { url: IMAGE_URL } });
  });

  test('an image sent to a model without vision is refused with a 400 before any provider is called', async () => {
    stack.simulators.reset();
    await assert.rejects(
      stack.client().chat.completions.create({
        model: 'grok-3-mini',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: IMAGE_URL } }] }],
      }),
      (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400 && /does not support image input/.test(error.message),
    );
    assert.equal(stack.simulators.requests.length, 0);
  });

  test('tools sent to a model without function calling are refused with a 400, not dropped silently', async () => {
    await assert.rejects(
      stack.client().chat.completions.create({ model: 'sonar-pro', messages: [{ role: 'user', content: 'hi' }], tools: [WEATHER_TOOL] }),
      (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400 && /does not support tools/.test(error.message),
    );
  });

  test('the developer role reaches OpenAI as developer', async () => {
    await stack.client().chat.completions.create({
      model: 'gpt-5',
      messages: [{ role: 'developer', content: 'Answer in French.' }, { role: 'user', content: 'Hello' }],
    });
    assert.equal(stack.simulators.requests.at(-1)!.body.messages[0].role, 'developer');
  });

  test('the developer role reaches Perplexity, which has none, as system, and the client is told', async () => {
    const { response } = await stack
      .client()
      .chat.completions.create({ model: 'sonar-pro', messages: [{ role: 'developer', content: 'Be brief.' }, { role: 'user', content: 'Hello' }] })
      .withResponse();
    assert.equal(stack.simulators.requests.at(-1)!.body.messages[0].role, 'system');
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /developer role sent as system/);
  });
});

describe('provider quirks are smoothed and reported, as asserted on what reached the simulator', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({}, { configYaml: 'models:\n  - id: gpt-5.4\n    provider: openai\n    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }\n' });
  });
  beforeEach(() => stack.simulators.reset());
  after(() => stack.close());

  test('gpt-5: max_tokens is sent as max_completion_tokens and temperature is dropped, both reported in a header', async () => {
    const { data, response } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 300, temperature: 0.2 })
      .withResponse();
    assert.ok(data.choices[0].message.content);
    const upstream = stack.simulators.requests.at(-1)!.body;
    assert.equal(upstream.max_completion_tokens, 300);
    assert.equal('max_tokens' in upstream, false);
    assert.equal('temperature' in upstream, false);
    const adjustments = response.headers.get('x-switchyard-adjustments') ?? '';
    assert.match(adjustments, /max_tokens renamed/);
    assert.match(adjustments, /temperature dropped/);
  });

  test('gpt-5.1 keeps temperature while it does not reason, and drops it (reported) when a reasoning effort is set', async () => {
    await stack.client().chat.completions.create({ model: 'gpt-5.1', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.3 });
    assert.equal(stack.simulators.requests.at(-1)!.body.temperature, 0.3);
    const { response } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5.1', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.3, reasoning_effort: 'high' })
      .withResponse();
    assert.equal('temperature' in stack.simulators.requests.at(-1)!.body, false);
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /temperature dropped/);
  });

  test('grok-4 takes no reasoning_effort: dropped before sending, and reported', async () => {
    const { response } = await stack
      .client()
      .chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'Hi' }], reasoning_effort: 'high', presence_penalty: 0.5, stop: ['END'] })
      .withResponse();
    const upstream = stack.simulators.requests.at(-1)!.body;
    assert.equal('reasoning_effort' in upstream, false);
    assert.equal('presence_penalty' in upstream, false);
    assert.equal('stop' in upstream, false);
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /reasoning_effort dropped/);
  });

  test("grok-3-mini: reasoning_effort 'medium' is sent as 'high', and its reasoning_content reaches the client, streamed or not", async () => {
    const { data, response } = await stack
      .client()
      .chat.completions.create({ model: 'grok-3-mini', messages: [{ role: 'user', content: 'Think about it' }], reasoning_effort: 'medium' })
      .withResponse();
    assert.equal(stack.simulators.requests.at(-1)!.body.reasoning_effort, 'high');
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /reasoning_effort mapped/);
    assert.ok((data.choices[0].message as { reasoning_content?: string }).reasoning_content);
    const streamed = await collectStream(await stack.client().chat.completions.create({ model: 'grok-3-mini', messages: [{ role: 'user', content: 'Think' }], stream: true }));
    assert.ok(streamed.reasoning.length > 0);
  });

  test('xAI reports reasoning tokens outside completion_tokens: the gateway counts them inside, as OpenAI does, for the client and the record', async () => {
    const completion = await stack.client().chat.completions.create({ model: 'grok-3-mini', messages: [{ role: 'user', content: 'Think hard' }] });
    const usage = completion.usage!;
    const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens ?? 0;
    assert.ok(reasoningTokens > 0);
    assert.ok(usage.completion_tokens > reasoningTokens, 'completion tokens include the reasoning tokens');
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    await stack.gateway.switchyard.usage.flush();
    const [record] = await stack.gateway.switchyard.store.listUsageRecords({ limit: 1 });
    assert.equal(record.completionTokens, usage.completion_tokens);
    assert.equal(record.reasoningTokens, reasoningTokens);
  });

  test("sonar-reasoning-pro's <think> section reaches the client as reasoning_content, streamed or not, leaving the answer clean", async () => {
    const completion = await stack.client().chat.completions.create({ model: 'sonar-reasoning-pro', messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    const message = completion.choices[0].message as { content: string | null; reasoning_content?: string };
    assert.ok(message.reasoning_content);
    assert.doesNotMatch(message.content ?? '', /<\/?think>/);
    const streamed = await collectStream(await stack.client().chat.completions.create({ model: 'sonar-reasoning-pro', messages: [{ role: 'user', content: 'Why is the sky blue?' }], stream: true }));
    assert.equal(streamed.reasoning, message.reasoning_content);
    assert.equal(streamed.text, message.content);
  });

  test('Perplexity: consecutive user messages are merged into one turn, and citations and search_results reach the client', async () => {
    const { data, response } = await stack
      .client()
      .chat.completions.create({
        model: 'sonar-pro',
        messages: [
          { role: 'system', content: 'Be precise.' },
          { role: 'user', content: 'First question.' },
          { role: 'user', content: 'Second question.' },
        ],
      })
      .withResponse();
    const upstream = stack.simulators.requests.at(-1)!.body;
    assert.deepEqual(upstream.messages.map((message: { role: string }) => message.role), ['system', 'user']);
    assert.equal(upstream.messages[1].content, 'First question.\n\nSecond question.');
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /merged/);
    const extra = data as unknown as { citations?: string[]; search_results?: unknown[] };
    assert.ok(Array.isArray(extra.citations) && extra.citations.length > 0);
    assert.ok(Array.isArray(extra.search_results) && extra.search_results.length > 0);

    const stream = await stack.client().chat.completions.create({ model: 'sonar-pro', messages: [{ role: 'user', content: 'News?' }], stream: true });
    let sawCitations = false;
    for await (const chunk of stream) sawCitations ||= Array.isArray((chunk as unknown as { citations?: unknown }).citations);
    assert.ok(sawCitations, 'citations arrive in the stream');
  });

  test('a provider that rejects reasoning_effort together with tools gets the request once more without it', async () => {
    const { data, response } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5.4', messages: [{ role: 'user', content: 'Weather in Rome?' }], tools: [WEATHER_TOOL], reasoning_effort: 'high' })
      .withResponse();
    assert.equal(data.choices[0].finish_reason, 'tool_calls');
    const sent = stack.simulators.requests.map((request) => request.body);
    assert.equal(sent.length, 2, 'exactly one retry');
    assert.equal(sent[0].reasoning_effort, 'high');
    assert.equal('reasoning_effort' in sent[1], false);
    assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /reasoning_effort dropped: gpt-5.4 rejects it together with tools/);
  });

  test('Fireworks puts usage on its finish chunk: a client that did not ask sees no usage, one that asked gets it once at the end', async () => {
    const model = 'accounts/fireworks/models/llama4-maverick-instruct-basic';
    const silent = await stack.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    for await (const chunk of silent) assert.equal(chunk.usage ?? undefined, undefined);
    const asked = await stack.client().chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of asked) chunks.push(chunk);
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage && last.usage.total_tokens > 0);
    assert.equal(chunks.filter((chunk) => chunk.usage).length, 1);
  });

  test('a client that disconnects mid-stream aborts the upstream request', async () => {
    stack.simulators.addFault({ provider: 'openai', chunkDelayMs: 200 });
    const controller = new AbortController();
    const stream = await stack.client().chat.completions.create(
      { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Tell me a long story about the sea and its ships.' }], stream: true },
      { signal: controller.signal },
    );
    // The SDK ends (or throws, depending on timing) once aborted; either way the client is gone.
    await (async () => {
      for await (const _chunk of stream) controller.abort();
    })().catch(() => undefined);
    const upstream = await stack.simulators.waitForRequest((request) => request.provider === 'openai' && request.streamed);
    assert.equal(upstream.aborted, true);
    assert.equal(upstream.completed, false);
    await waitFor(async () => {
      await stack.gateway.switchyard.usage.flush();
      const records = await stack.gateway.switchyard.store.listUsageRecords({ limit: 5 });
      return records.some((record) => record.status === 499);
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
