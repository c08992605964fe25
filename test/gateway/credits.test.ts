import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import type { ModelPricing } from '../../src/catalog/catalog-model.ts';
import type { ChatRequest } from '../../src/core/chat-types.ts';
import { formatMicros } from '../../src/core/format-micros.ts';
import { boundRequestCost } from '../../src/metering/bound-request-cost.ts';
import type { RunningGateway } from '../../src/server/start-gateway.ts';
import type { KeyLimits } from '../../src/store/store.ts';
import { estimatePromptTokens } from '../../src/usage/estimate-prompt-tokens.ts';
import { collectChatStream } from '../support/provider-conformance.ts';
import { redisTestEnvironment } from '../support/redis-test-environment.ts';
import { startPeerGateway } from '../support/start-peer-gateway.ts';
import { startStack, type Stack } from '../support/start-stack.ts';
import { skipUnless } from '../support/required-services.ts';

/** Long enough for the simulators' prompt caches (OpenAI caches from 1,024 tokens). */
const MANUAL = 'Switchyard operations manual: rotate keys monthly, watch the ledger, keep credits topped up. '.repeat(120);

/** The cost rule, restated: tokens × price per million, rounded up once to a whole micro-credit. */
function expectedCost(usage: { prompt: number; cached?: number; cacheWrite?: number; completion: number }, pricing: ModelPricing): number {
  const cached = usage.cached ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  const millionths =
    (usage.prompt - cached - cacheWrite) * pricing.inputPerMillion +
    cached * pricing.cachedInputPerMillion +
    cacheWrite * (pricing.cacheWritePerMillion ?? pricing.inputPerMillion) +
    usage.completion * pricing.outputPerMillion;
  return Math.floor((millionths + 999_999) / 1_000_000);
}

/** `usage.cost` (credits, a JSON number) back to micro-credits, exactly. */
function micros(cost: unknown): number {
  assert.equal(typeof cost, 'number', 'usage.cost is reported');
  return Math.round((cost as number) * 1_000_000);
}

async function organizationWithKey(gateway: RunningGateway, name: string, credits: number, limits?: KeyLimits) {
  const { accounts, credits: creditService, store, keyCache } = gateway.switchyard;
  const organization = await accounts.createOrganization(name);
  if (credits > 0) await creditService.topUp(organization.id, credits, 'test');
  const { key, secret } = await accounts.createApiKey(name, 'test');
  if (limits) {
    await store.updateApiKey(key.id, { limits });
    await keyCache.sync();
  }
  return { organization, key, secret, client: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 }) };
}

async function debitsOf(stack: Stack, requestIds: string[]): Promise<Map<string, number>> {
  await stack.gateway.switchyard.usage.flush();
  const entries = await stack.gateway.switchyard.store.listLedgerEntries({ limit: 100_000 });
  return new Map(entries.filter((entry) => entry.kind === 'debit' && requestIds.includes(entry.requestId!)).map((entry) => [entry.requestId!, -entry.amount]));
}

describe('credits: what each request costs, reported and debited', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('a chat stream costs exactly what the same non-stream request costs, cached tokens included, and each reports it', async () => {
    const pricing = stack.gateway.switchyard.catalog.find('gpt-5-mini')!.pricing;
    const messages = [
      { role: 'system' as const, content: MANUAL },
      { role: 'user' as const, content: 'How often are keys rotated?' },
    ];
    await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages });
    const { data: completion, response } = await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages }).withResponse();
    const usage = completion.usage!;
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
    assert.ok(cached > 0, 'the repeated prompt is read from the cache');
    const cost = expectedCost({ prompt: usage.prompt_tokens, cached, completion: usage.completion_tokens }, pricing);
    assert.ok(cost > 0);
    assert.equal(response.headers.get('x-switchyard-credits-used'), formatMicros(cost));
    assert.equal(micros((usage as { cost?: number }).cost), cost);

    const { data: stream, response: streamResponse } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5-mini', messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const streamed = await collectChatStream(stream);
    const streamedUsage = streamed.chunks.at(-1)!.usage!;
    assert.equal(streamedUsage.prompt_tokens_details?.cached_tokens, cached);
    assert.equal(streamedUsage.completion_tokens, usage.completion_tokens);
    assert.equal(micros((streamedUsage as { cost?: number }).cost), cost, 'the final usage chunk carries the same cost');

    const requestIds = [response.headers.get('x-request-id')!, streamResponse.headers.get('x-request-id')!];
    const debits = await debitsOf(stack, requestIds);
    assert.deepEqual([debits.get(requestIds[0]), debits.get(requestIds[1])], [cost, cost], 'both are debited the same, with their usage records');
  });

  test('Claude through the Messages pass-through: the stream (message_delta) costs what the JSON answer costs, cache writes and reads included', async () => {
    const pricing = stack.gateway.switchyard.catalog.find('claude-sonnet-4-6')!.pricing;
    const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    const params = {
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      system: [{ type: 'text' as const, text: MANUAL, cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'Summarise the manual.' }],
    };
    const { data: first, response } = await client.messages.create(params).withResponse();
    const written = first.usage.cache_creation_input_tokens ?? 0;
    assert.ok(written > 0, 'the first request writes the cache');
    const firstCost = expectedCost({ prompt: first.usage.input_tokens + written, cacheWrite: written, completion: first.usage.output_tokens }, pricing);
    assert.equal(micros((first.usage as { cost?: number }).cost), firstCost);
    assert.equal(response.headers.get('x-switchyard-credits-used'), formatMicros(firstCost));

    const { data: second } = await client.messages.create(params).withResponse();
    const read = second.usage.cache_read_input_tokens ?? 0;
    assert.ok(read > 0, 'the repeat reads the cache');
    const stream = client.messages.stream(params);
    let deltaUsage: { cost?: number; cache_read_input_tokens?: number | null } | undefined;
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_delta') deltaUsage = event.usage as typeof deltaUsage;
    });
    const streamed = await stream.finalMessage();
    assert.equal(streamed.usage.output_tokens, second.usage.output_tokens);
    assert.equal(micros(deltaUsage?.cost), micros((second.usage as { cost?: number }).cost), 'the stream costs what the JSON answer costs');
    assert.equal(micros(deltaUsage?.cost), expectedCost({ prompt: second.usage.input_tokens + read, cached: read, completion: second.usage.output_tokens }, pricing));
  });

  for (const model of ['gpt-5-mini', 'grok-4']) {
    test(`Responses API (${model === 'gpt-5-mini' ? 'passed through' : 'translated'}): response.completed carries the cost of the same non-stream response`, async () => {
      const input = [{ role: 'user' as const, content: 'Describe a lighthouse in two sentences.' }];
      // The same prompt three times: the two compared requests both find it in the provider's prompt cache.
      await stack.client().responses.create({ model, input });
      const { data: response, response: http } = await stack.client().responses.create({ model, input }).withResponse();
      const cost = micros((response.usage as { cost?: number } | undefined)?.cost);
      assert.ok(cost > 0);
      assert.equal(http.headers.get('x-switchyard-credits-used'), formatMicros(cost));
      const stream = await stack.client().responses.create({ model, input, stream: true });
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) if (event.type === 'response.completed') completed = event.response;
      assert.equal(completed?.usage?.output_tokens, response.usage?.output_tokens);
      assert.equal(micros((completed?.usage as { cost?: number } | undefined)?.cost), cost);
    });
  }

  test('a translated Messages answer and stream report the same cost', async () => {
    const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    const params = { model: 'gpt-5-mini', max_tokens: 256, messages: [{ role: 'user' as const, content: 'Name three rivers.' }] };
    const message = await client.messages.create(params);
    const stream = client.messages.stream(params);
    let deltaCost: unknown;
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_delta') deltaCost = (event.usage as { cost?: number }).cost;
    });
    await stream.finalMessage();
    assert.ok(micros((message.usage as { cost?: number }).cost) > 0);
    assert.equal(micros(deltaCost), micros((message.usage as { cost?: number }).cost));
  });

  test('the balance falls by exactly the sum of the debits, which equals the costs reported', async () => {
    const { organization, secret, client } = await organizationWithKey(stack.gateway, 'ledger-check', 10_000_000);
    const balanceOf = async () => (await (await fetch(`${stack.gateway.url}/v1/credits`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { balance: string; balance_micros: number };
    const before = await balanceOf();
    assert.equal(before.balance, '10');
    const reported: number[] = [];
    const requestIds: string[] = [];
    for (const model of ['gpt-5-mini', 'grok-4', 'claude-haiku-4-5', 'gemini-2.5-flash']) {
      const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `Hello ${model}` }] }).withResponse();
      reported.push(micros((data.usage as { cost?: number }).cost));
      requestIds.push(response.headers.get('x-request-id')!);
      const { data: stream, response: streamResponse } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `Stream ${model}` }], stream: true, stream_options: { include_usage: true } }).withResponse();
      const streamed = await collectChatStream(stream);
      reported.push(micros((streamed.chunks.at(-1)!.usage as { cost?: number }).cost));
      requestIds.push(streamResponse.headers.get('x-request-id')!);
    }
    const after = await balanceOf();
    const spent = reported.reduce((total, cost) => total + cost, 0);
    assert.equal(before.balance_micros - after.balance_micros, spent, 'the balance (debits not yet flushed included) fell by what was reported');
    const debits = await debitsOf(stack, requestIds);
    assert.equal([...debits.values()].reduce((total, cost) => total + cost, 0), spent, 'the ledger holds one debit per request, for exactly that');
    assert.equal((await stack.gateway.switchyard.store.listBalances()).get(organization.id), after.balance_micros, 'the ledger sum is the balance');
  });

  test('an organization without credit gets 402 "Credit balance exhausted" before any provider is called', async () => {
    const { client } = await organizationWithKey(stack.gateway, 'broke', 0);
    const calls = stack.simulators.requests.length;
    await assert.rejects(client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 402);
      assert.match(error.message, /Credit balance exhausted/);
      return true;
    });
    assert.equal(stack.simulators.requests.length, calls, 'no provider request was made');
  });

  test('GET /v1/gateway/credits/ and /v1/credits return the caller\'s balance; without a key, 401', async () => {
    const expected = await stack.gateway.switchyard.credits.balance((await stack.gateway.switchyard.accounts.requireOrganization('acme')).id);
    for (const path of ['/v1/gateway/credits/', '/v1/gateway/credits', '/v1/credits']) {
      const response = await fetch(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { object: 'credits', organization: 'acme', balance: formatMicros(expected), balance_micros: expected });
    }
    assert.equal((await fetch(`${stack.gateway.url}/v1/credits`)).status, 401);
  });

  for (const budget of ['lifetimeBudget', 'monthlyBudget'] as const) {
    test(`a key whose ${budget === 'lifetimeBudget' ? 'lifetime' : 'monthly'} budget is spent gets 402 naming the key's budget`, async () => {
      const { client } = await organizationWithKey(stack.gateway, `budget-${budget}`, 10_000_000, { [budget]: 1 });
      await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] });
      await assert.rejects(client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi again' }] }), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.equal(error.status, 402);
        assert.match(error.message, new RegExp(`API key: its ${budget === 'lifetimeBudget' ? 'lifetime' : 'monthly'} budget of 0.000001 credits is spent`));
        return true;
      });
    });
  }

  test('a stream the provider breaks off is billed for what it relayed, counted with the tokenizer', async () => {
    const request: ChatRequest = { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Write a long story about a lighthouse keeper.' }] };
    stack.simulators.addFault({ provider: 'openai', afterChunks: 6, breakMode: 'disconnect', chunkDelayMs: 5 });
    const { data: stream, response } = await stack.client().chat.completions.create({ ...request, stream: true } as OpenAI.Chat.ChatCompletionCreateParamsStreaming).withResponse();
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    });
    assert.ok(text.length > 0, 'some text was relayed before the break');
    const requestId = response.headers.get('x-request-id')!;
    await stack.gateway.switchyard.usage.flush();
    const record = (await stack.gateway.switchyard.store.listUsageRecords({ limit: 100_000 })).find((candidate) => candidate.requestId === requestId)!;
    assert.equal(record.status, 502);
    assert.equal(record.completionTokens, countTokens(text), 'the relayed output, counted with o200k');
    assert.equal(record.promptTokens, estimatePromptTokens(request), 'the prompt, estimated');
    const cost = expectedCost({ prompt: record.promptTokens!, completion: record.completionTokens! }, stack.gateway.switchyard.catalog.find('gpt-5-mini')!.pricing);
    assert.equal(record.cost, cost);
    assert.equal((await debitsOf(stack, [requestId])).get(requestId), cost);
  });

  test('a stream the client abandons is billed for the output relayed until then', async () => {
    stack.simulators.addFault({ provider: 'openai', chunkDelayMs: 20 });
    const controller = new AbortController();
    const { data: stream, response } = await stack
      .client()
      .chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Write a long story about a harbour.' }], stream: true }, { signal: controller.signal })
      .withResponse();
    let text = '';
    // The SDK ends the iteration quietly once aborted.
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text.length > 20) controller.abort();
    }
    assert.ok(controller.signal.aborted, 'the client left before the end');
    const requestId = response.headers.get('x-request-id')!;
    const record = await waitForRecord(stack, requestId);
    assert.equal(record.status, 499);
    assert.ok(record.completionTokens! >= countTokens(text), 'at least what the client read is billed');
    assert.ok(record.cost > 0);
  });
});

async function waitForRecord(stack: Stack, requestId: string) {
  for (;;) {
    await stack.gateway.switchyard.usage.flush();
    const record = (await stack.gateway.switchyard.store.listUsageRecords({ limit: 100_000 })).find((candidate) => candidate.requestId === requestId);
    if (record) return record;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const redisSkip = await skipUnless('redis');

describe('credits: concurrent requests overdraw by less than one reservation', () => {
  const redis = redisTestEnvironment();
  const variants: { name: string; environment: Record<string, string>; skip: string | false }[] = [
    { name: 'one instance, balances in memory', environment: {}, skip: false },
    { name: 'two instances sharing Redis', environment: redis.environment, skip: redisSkip },
  ];
  after(() => (variants[1]!.skip ? undefined : redis.clear()));

  for (const variant of variants) {
    test(`${variant.name}: with 1 micro-credit left, exactly one of eight concurrent requests is admitted`, { skip: variant.skip }, async () => {
      const stack = await startStack(variant.environment);
      const peer = variant.environment.REDIS_URL ? await startPeerGateway(stack) : undefined;
      try {
        const { organization, secret } = await organizationWithKey(stack.gateway, 'thrifty', 1);
        stack.simulators.addFault({ provider: 'openai', firstByteDelayMs: 300, times: 8 });
        const body = { model: 'gpt-5-mini', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Say hello.' }] };
        const gateways = [stack.gateway, peer ?? stack.gateway];
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, index) => new OpenAI({ baseURL: `${gateways[index % 2].url}/v1`, apiKey: secret, maxRetries: 0 }).chat.completions.create(body)),
        );
        const admitted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        assert.equal(admitted.length, 1);
        assert.ok(refused.every((outcome) => outcome.reason instanceof OpenAI.APIError && outcome.reason.status === 402));

        const cost = micros(((admitted[0] as PromiseFulfilledResult<OpenAI.Chat.ChatCompletion>).value.usage as { cost?: number }).cost);
        const balance = await stack.gateway.switchyard.credits.balance(organization.id);
        assert.equal(balance, 1 - cost, 'the one admitted request overdrew the balance');
        const reservation = boundRequestCost(body, stack.gateway.switchyard.catalog.find('gpt-5-mini')!);
        assert.ok(-balance < reservation, `the overdraft (${-balance}) is below one reservation (${reservation})`);
        await stack.gateway.switchyard.usage.flush();
        await peer?.switchyard.usage.flush();
        assert.equal((await stack.gateway.switchyard.store.listBalances()).get(organization.id), balance, 'the ledger agrees');
      } finally {
        await peer?.close();
        await stack.close();
      }
    });
  }
});
