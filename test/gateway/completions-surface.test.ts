/**
 * Legacy completions (`POST /v1/completions`) through the gateway with the official `openai`
 * client's `completions.create`: every model served by translation to chat, whole and streamed,
 * billed exactly what the usage the client received costs; refusals in OpenAI's envelope.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { Completion, CompletionCreateParamsNonStreaming, CompletionCreateParamsStreaming, CompletionUsage } from 'openai/resources/completions';
import type { ModelPricing } from '../../src/catalog/catalog-model.ts';
import { formatMicros } from '../../src/core/format-micros.ts';
import { rejection } from '../support/rejection.ts';
import { STACK_CREDITS, startStack, type Stack } from '../support/start-stack.ts';

/** One model of each provider family: OpenAI, Anthropic, Google, xAI. */
const MODELS = ['gpt-5-mini', 'claude-sonnet-4-6', 'gemini-2.5-flash', 'grok-4'];
const PROMPT = 'Write a tagline for an ice cream shop.';
/** Room for the reasoning models' hidden reasoning and the simulated answer. */
const MAX_TOKENS = 400;

/** The cost rule, restated: tokens × price per million, rounded up once to a whole micro-credit. */
function expectedCost(usage: CompletionUsage, pricing: ModelPricing): number {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage.prompt_tokens_details?.cache_write_tokens ?? 0;
  const millionths =
    (usage.prompt_tokens - cached - cacheWrite) * pricing.inputPerMillion +
    cached * pricing.cachedInputPerMillion +
    cacheWrite * (pricing.cacheWritePerMillion ?? pricing.inputPerMillion) +
    usage.completion_tokens * pricing.outputPerMillion;
  return Math.floor((millionths + 999_999) / 1_000_000);
}

/** `usage.cost` (credits, a JSON number) back to micro-credits, exactly. */
function micros(usage: CompletionUsage | undefined): number {
  const cost = (usage as { cost?: unknown } | undefined)?.cost;
  assert.equal(typeof cost, 'number', 'usage.cost is reported');
  return Math.round((cost as number) * 1_000_000);
}

async function collect(stream: AsyncIterable<Completion>): Promise<Completion[]> {
  const chunks: Completion[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** Each choice's streamed text, joined in order, by index. */
function streamedTexts(chunks: Completion[]): Map<number, string> {
  const texts = new Map<number, string>();
  for (const chunk of chunks) for (const choice of chunk.choices) texts.set(choice.index, (texts.get(choice.index) ?? '') + choice.text);
  return texts;
}

describe('legacy completions (/v1/completions) with the official openai client', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  const pricingOf = (model: string) => stack.gateway.switchyard.catalog.find(model)!.pricing;

  /** The organization's debit for one request, in micro-credits. */
  async function debitOf(requestId: string): Promise<number> {
    await stack.gateway.switchyard.usage.flush();
    const entries = await stack.gateway.switchyard.store.listLedgerEntries({ limit: 100_000 });
    const debits = entries.filter((entry) => entry.kind === 'debit' && entry.requestId === requestId);
    assert.equal(debits.length, 1, 'one debit for the request');
    return -debits[0]!.amount;
  }

  /** The record, the debit, the header and `usage.cost` all equal the cost of the usage the client received. */
  async function assertBilledExactly(requestId: string, model: string, usage: CompletionUsage, header: string | null | undefined) {
    const cost = expectedCost(usage, pricingOf(model));
    assert.ok(cost > 0, 'the request cost something');
    assert.equal(micros(usage), cost, 'usage.cost is the cost of the reported usage');
    if (header !== undefined) assert.equal(header, formatMicros(cost), 'x-switchyard-credits-used');
    const record = await stack.usageRecordOf(requestId);
    assert.equal(record.surface, 'openai-completions');
    assert.equal(record.model, model);
    assert.equal(record.status, 200);
    assert.equal(record.promptTokens, usage.prompt_tokens);
    assert.equal(record.completionTokens, usage.completion_tokens);
    assert.equal(record.cost, cost, 'the usage record is priced exactly');
    assert.equal(await debitOf(requestId), cost, 'the ledger debit is the cost');
  }

  for (const model of MODELS) {
    describe(model, () => {
      test('non-stream: a text_completion with the answer, priced and debited exactly', async () => {
        const { data: completion, response } = await stack.client().completions.create({ model, prompt: PROMPT, max_tokens: MAX_TOKENS }).withResponse();
        assert.equal(completion.object, 'text_completion');
        assert.match(completion.id, /^cmpl-[0-9a-f]{30}$/);
        assert.equal(completion.model, model);
        assert.ok(Number.isInteger(completion.created) && completion.created > 1_700_000_000);
        assert.equal(completion.choices.length, 1);
        const [choice] = completion.choices;
        assert.equal(choice!.index, 0);
        assert.equal(choice!.logprobs, null);
        assert.equal(choice!.finish_reason, 'stop');
        assert.match(choice!.text, /You said: "Write a tagline for an ice cream shop\."/);
        const usage = completion.usage!;
        assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
        assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
        await assertBilledExactly(response.headers.get('x-request-id')!, model, usage, response.headers.get('x-switchyard-credits-used'));
      });

      test('stream with include_usage: whole text_completion chunks, finish_reason on the last, then a usage chunk billed exactly', async () => {
        const params: CompletionCreateParamsStreaming = { model, prompt: PROMPT, max_tokens: MAX_TOKENS, stream: true, stream_options: { include_usage: true } };
        const { data: stream, response } = await stack.client().completions.create(params).withResponse();
        assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
        const chunks = await collect(stream);
        assert.ok(chunks.length >= 3, 'text, finish and usage chunks');
        const ids = new Set(chunks.map((chunk) => chunk.id));
        assert.equal(ids.size, 1, 'every chunk carries the one completion id');
        assert.match([...ids][0]!, /^cmpl-/);
        assert.ok(chunks.every((chunk) => chunk.object === 'text_completion' && chunk.model === model));
        const usageChunk = chunks.at(-1)!;
        assert.deepEqual(usageChunk.choices, [], 'the usage chunk has no choices');
        const textChunks = chunks.slice(0, -1);
        assert.ok(textChunks.every((chunk) => chunk.usage === undefined), 'usage comes once, last');
        const finishes = textChunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason));
        assert.deepEqual(finishes.filter((reason) => reason !== null), ['stop'], 'one finish_reason, on the last text chunk');
        assert.equal(finishes.at(-1), 'stop');
        assert.ok(textChunks.every((chunk) => chunk.choices.every((choice) => choice.logprobs === null && choice.index === 0)));
        assert.match(streamedTexts(textChunks).get(0)!, /You said: "Write a tagline for an ice cream shop\."/);
        await assertBilledExactly(response.headers.get('x-request-id')!, model, usageChunk.usage!, undefined);
      });

      test('stream without include_usage: no usage chunk, the request billed all the same', async () => {
        const { data: stream, response } = await stack.client().completions.create({ model, prompt: PROMPT, max_tokens: MAX_TOKENS, stream: true }).withResponse();
        const chunks = await collect(stream);
        assert.ok(chunks.length > 0);
        assert.ok(chunks.every((chunk) => chunk.usage === undefined && chunk.choices.length > 0));
        assert.match(streamedTexts(chunks).get(0)!, /You said:/);
        const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
        assert.equal(record.surface, 'openai-completions');
        assert.equal(record.streamed, true);
        assert.ok(record.cost > 0);
        assert.equal(record.cost, expectedCost({ prompt_tokens: record.promptTokens!, completion_tokens: record.completionTokens!, total_tokens: 0, prompt_tokens_details: { cached_tokens: record.cachedPromptTokens ?? 0, cache_write_tokens: record.cacheWriteTokens ?? 0 } }, pricingOf(model)));
        assert.equal(await debitOf(response.headers.get('x-request-id')!), record.cost);
      });

      test('echo: the prompt is written before the text, whole and streamed', async () => {
        const completion = await stack.client().completions.create({ model, prompt: PROMPT, max_tokens: MAX_TOKENS, echo: true });
        assert.ok(completion.choices[0]!.text.startsWith(`${PROMPT}You said:`), completion.choices[0]!.text);
        const chunks = await collect(await stack.client().completions.create({ model, prompt: PROMPT, max_tokens: MAX_TOKENS, echo: true, stream: true }));
        assert.ok(chunks[0]!.choices[0]!.text.startsWith(PROMPT), 'the first chunk starts with the prompt');
        assert.ok(streamedTexts(chunks).get(0)!.startsWith(`${PROMPT}You said:`));
      });
    });
  }

  describe('the request sent upstream', () => {
    test('one user message; max_tokens 16 when unset, as OpenAI; sampling, stop, seed and user passed on', async () => {
      const completion = await stack.client().completions.create({ model: 'accounts/fireworks/models/llama4-scout-instruct-basic', prompt: PROMPT, temperature: 0.3, top_p: 0.9, stop: ['\n\n'], seed: 7, user: 'user-1', presence_penalty: 0.5, frequency_penalty: 0.25 });
      assert.equal(completion.choices.length, 1);
      const upstream = stack.simulators.requests.at(-1)!;
      assert.equal(upstream.provider, 'fireworks');
      assert.match(upstream.path, /\/chat\/completions$/);
      assert.deepEqual(upstream.body.messages, [{ role: 'user', content: PROMPT }]);
      assert.equal(upstream.body.max_completion_tokens ?? upstream.body.max_tokens, 16);
      assert.equal(upstream.body.temperature, 0.3);
      assert.equal(upstream.body.top_p, 0.9);
      assert.deepEqual(upstream.body.stop, ['\n\n']);
      assert.equal(upstream.body.seed, 7);
      assert.equal(upstream.body.user, 'user-1');
      assert.equal(upstream.body.presence_penalty, 0.5);
      assert.equal(upstream.body.frequency_penalty, 0.25);
      assert.equal(upstream.body.prompt, undefined, 'no Completions field reaches the chat API');
    });

    test('a small max_tokens ends the text with finish_reason "length"', async () => {
      const completion = await stack.client().completions.create({ model: 'claude-sonnet-4-6', prompt: PROMPT, max_tokens: 3 });
      assert.equal(completion.choices[0]!.finish_reason, 'length');
      assert.ok(completion.usage!.completion_tokens <= 3);
    });

    test('stop sequences cut the text; a model that takes none reports stop dropped', async () => {
      const completion = await stack.client().completions.create({ model: 'claude-sonnet-4-6', prompt: PROMPT, max_tokens: MAX_TOKENS, stop: 'simulated' });
      assert.equal(completion.choices[0]!.finish_reason, 'stop');
      assert.match(completion.choices[0]!.text, /You said:/);
      assert.doesNotMatch(completion.choices[0]!.text, /simulated/);
      const { data: reasoning, response } = await stack.client().completions.create({ model: 'gpt-5-mini', prompt: PROMPT, max_tokens: MAX_TOKENS, stop: 'simulated' }).withResponse();
      assert.match(reasoning.choices[0]!.text, /simulated/);
      assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /\bstop dropped/);
    });

    test('the gateway path, with and without its trailing slash, serves the same surface', async () => {
      for (const path of ['/v1/gateway/completions', '/v1/gateway/completions/', '/v1/completions/']) {
        const response = await fetch(`${stack.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5-mini', prompt: PROMPT, max_tokens: MAX_TOKENS }) });
        assert.equal(response.status, 200, path);
        const body = (await response.json()) as Completion;
        assert.equal(body.object, 'text_completion');
      }
      const completion = await stack.client('/v1/gateway').completions.create({ model: 'gemini-2.5-flash', prompt: PROMPT, max_tokens: MAX_TOKENS });
      assert.equal(completion.object, 'text_completion');
    });

    test('a field the Completions API does not have is dropped and reported in x-switchyard-adjustments', async () => {
      const params = { model: 'gpt-5-mini', prompt: PROMPT, max_tokens: MAX_TOKENS, tools: [{ type: 'function', function: { name: 'f' } }] } as unknown as CompletionCreateParamsNonStreaming;
      const { response } = await stack.client().completions.create(params).withResponse();
      assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /tools dropped: not a parameter of the Completions API/);
      assert.equal(stack.simulators.requests.at(-1)!.body.tools, undefined);
    });
  });

  describe('several choices (n)', () => {
    for (const model of ['gpt-5-mini', 'gemini-2.5-flash']) {
      test(`${model}: n=2 gives choices 0 and 1, whole and streamed, the usage covering both`, async () => {
        const { data: completion, response } = await stack.client().completions.create({ model, prompt: PROMPT, max_tokens: MAX_TOKENS, n: 2 }).withResponse();
        assert.deepEqual(completion.choices.map((choice) => choice.index), [0, 1]);
        assert.ok(completion.choices.every((choice) => /You said:/.test(choice.text) && choice.finish_reason === 'stop'));
        await assertBilledExactly(response.headers.get('x-request-id')!, model, completion.usage!, response.headers.get('x-switchyard-credits-used'));

        const { data: stream, response: streamResponse } = await stack.client().completions.create({ model, prompt: PROMPT, max_tokens: MAX_TOKENS, n: 2, stream: true, stream_options: { include_usage: true } }).withResponse();
        const chunks = await collect(stream);
        const texts = streamedTexts(chunks);
        assert.deepEqual([...texts.keys()].sort(), [0, 1]);
        assert.ok([...texts.values()].every((text) => /You said:/.test(text)));
        const finished = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.finish_reason !== null).map((choice) => choice.index));
        assert.deepEqual(finished.sort(), [0, 1], 'each choice finishes once');
        await assertBilledExactly(streamResponse.headers.get('x-request-id')!, model, chunks.at(-1)!.usage!, undefined);
      });
    }

    test('best_of equal to n is accepted', async () => {
      const completion = await stack.client().completions.create({ model: 'gpt-5-mini', prompt: PROMPT, max_tokens: MAX_TOKENS, n: 2, best_of: 2 });
      assert.equal(completion.choices.length, 2);
    });

    test('claude-sonnet-4-6: Anthropic answers one choice; the dropped n is reported', async () => {
      const { data: completion, response } = await stack.client().completions.create({ model: 'claude-sonnet-4-6', prompt: PROMPT, max_tokens: MAX_TOKENS, n: 2 }).withResponse();
      assert.equal(completion.choices.length, 1);
      assert.match(response.headers.get('x-switchyard-adjustments') ?? '', /\bn dropped: Anthropic answers with one choice/);
    });
  });

  describe('prompt arrays', () => {
    test('an array of one prompt is that prompt', async () => {
      const completion = await stack.client().completions.create({ model: 'gpt-5-mini', prompt: [PROMPT], max_tokens: MAX_TOKENS });
      assert.match(completion.choices[0]!.text, /You said: "Write a tagline/);
    });

    test('several prompts, or token ids, are refused by name (400, param prompt) before any provider is called', async () => {
      for (const prompt of [['first prompt', 'second prompt'], [1212, 318, 257, 1332], [[1212, 318], [257, 1332]]]) {
        const error = await rejection(stack.client().completions.create({ model: 'gpt-5-mini', prompt, max_tokens: MAX_TOKENS }));
        assert.equal(error.status, 400, JSON.stringify(prompt));
        assert.equal(error.param, 'prompt');
        assert.equal(error.code, 'unsupported_feature');
        assert.equal(error.type, 'invalid_request_error');
      }
      assert.match((await rejection(stack.client().completions.create({ model: 'gpt-5-mini', prompt: ['a', 'b'] }))).message, /More than one prompt in a request is not supported.*Send one request per prompt\./);
      assert.match((await rejection(stack.client().completions.create({ model: 'gpt-5-mini', prompt: [1, 2] }))).message, /A prompt of token ids is not supported/);
      assert.equal(stack.simulators.requests.length, 0);
    });
  });

  describe('refusals, in OpenAI\'s error envelope', () => {
    test('logprobs, suffix and a best_of other than n are refused by name (400)', async () => {
      const cases: [Partial<CompletionCreateParamsNonStreaming>, string][] = [
        [{ logprobs: 2 }, 'logprobs'],
        [{ logprobs: 0 }, 'logprobs'],
        [{ suffix: ' and that is all.' }, 'suffix'],
        [{ best_of: 3 }, 'best_of'],
        [{ best_of: 2, n: 3 }, 'best_of'],
      ];
      for (const [extra, param] of cases) {
        const error = await rejection(stack.client().completions.create({ model: 'claude-sonnet-4-6', prompt: PROMPT, ...extra }));
        assert.equal(error.status, 400, JSON.stringify(extra));
        assert.equal(error.param, param);
        assert.equal(error.code, 'unsupported_feature');
        assert.match(error.message, /is not supported on the completions route/);
      }
      const emptySuffix = await stack.client().completions.create({ model: 'claude-sonnet-4-6', prompt: PROMPT, suffix: '', max_tokens: MAX_TOKENS });
      assert.equal(emptySuffix.object, 'text_completion', 'an empty suffix asks for nothing');
      assert.equal(stack.simulators.requests.length, 1);
    });

    test('a missing prompt, a prompt of the wrong type and bad numbers are 422 validation errors', async () => {
      const bodies = [
        { model: 'gpt-5-mini' },
        { model: 'gpt-5-mini', prompt: 42 },
        { model: 'gpt-5-mini', prompt: null },
        { model: 'gpt-5-mini', prompt: [] },
        { model: 'gpt-5-mini', prompt: ['a', 1] },
        { model: 'gpt-5-mini', prompt: { text: 'hi' } },
        { model: 'gpt-5-mini', prompt: 'hi', max_tokens: '16' },
        { model: 'gpt-5-mini', prompt: 'hi', temperature: 3 },
        { model: 'gpt-5-mini', prompt: 'hi', n: 0 },
        { model: 'gpt-5-mini', prompt: 'hi', stop: ['a', 'b', 'c', 'd', 'e'] },
        { prompt: 'hi' },
      ];
      for (const body of bodies) {
        const error = await rejection(stack.client().completions.create(body as unknown as CompletionCreateParamsNonStreaming));
        assert.equal(error.status, 422, JSON.stringify(body));
        assert.ok(error instanceof OpenAI.UnprocessableEntityError);
        assert.equal(error.type, 'invalid_request_error');
        assert.equal(error.code, 'validation_error');
        assert.equal(typeof error.message, 'string');
      }
      const missing = await rejection(stack.client().completions.create({ model: 'gpt-5-mini' } as unknown as CompletionCreateParamsNonStreaming));
      assert.match(missing.message, /prompt/);
      assert.equal(stack.simulators.requests.length, 0);
    });

    test('an unknown model is a 404 naming it', async () => {
      const error = await rejection(stack.client().completions.create({ model: 'no-such-model', prompt: PROMPT }));
      assert.equal(error.status, 404);
      assert.equal(error.code, 'model_not_found');
      assert.equal(error.param, 'model');
      assert.match(error.message, /no-such-model/);
    });

    test('no key is a 401; a body that is not JSON is a 400', async () => {
      assert.equal((await rejection(stack.client('/v1', 'sy_wrong').completions.create({ model: 'gpt-5-mini', prompt: PROMPT }))).status, 401);
      const response = await fetch(`${stack.gateway.url}/v1/completions`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: '{"model":' });
      assert.equal(response.status, 400);
      const body = (await response.json()) as { error: { type: string; message: string } };
      assert.equal(body.error.type, 'invalid_request_error');
    });

    test('an organization without credit gets 402 before any provider is called', async () => {
      const { accounts } = stack.gateway.switchyard;
      await accounts.createOrganization('penniless');
      const { secret } = await accounts.createApiKey('penniless', 'test');
      const error = await rejection(stack.client('/v1', secret).completions.create({ model: 'gpt-5-mini', prompt: PROMPT }));
      assert.equal(error.status, 402);
      assert.equal(error.code, 'insufficient_credits');
      const streamed = await rejection(stack.client('/v1', secret).completions.create({ model: 'gpt-5-mini', prompt: PROMPT, stream: true }));
      assert.equal(streamed.status, 402);
      assert.equal(stack.simulators.requests.length, 0);
    });

    test('a key over its requests per minute gets 429 with Retry-After', async () => {
      const { accounts } = stack.gateway.switchyard;
      const { secret } = await accounts.createApiKey('acme', 'one a minute', { limits: { requestsPerMinute: 1 } });
      const client = stack.client('/v1', secret);
      await client.completions.create({ model: 'gpt-5-mini', prompt: PROMPT, max_tokens: MAX_TOKENS });
      const error = await rejection(client.completions.create({ model: 'gpt-5-mini', prompt: PROMPT, max_tokens: MAX_TOKENS }));
      assert.equal(error.status, 429);
      assert.equal(error.type, 'rate_limit_error');
      assert.ok(Number(error.headers?.get('retry-after')) > 0);
      assert.equal(stack.simulators.requests.length, 1);
    });

    test('the organization was debited exactly the sum of its usage records', async () => {
      await stack.gateway.switchyard.usage.flush();
      const acme = await stack.gateway.switchyard.accounts.requireOrganization('acme');
      const records = await stack.gateway.switchyard.store.listUsageRecords({ organizationId: acme.id, limit: 100_000 });
      const spent = records.reduce((total, record) => total + record.cost, 0);
      assert.ok(spent > 0);
      assert.equal(STACK_CREDITS - (await stack.gateway.switchyard.credits.balance(acme.id)), spent);
    });
  });
});
