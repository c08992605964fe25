import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import { defaultModels } from '../../src/catalog/default-models.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/** The seed's models served by the OpenAI-compatible providers (Google's has its own suite). */
const OPENAI_COMPATIBLE = ['openai', 'xai', 'fireworks', 'perplexity'];
const SEED_MODELS = BUILTIN_MODELS.filter((model) => OPENAI_COMPATIBLE.includes(model.provider));
const BASE_PATHS = ['/v1', '/v1/gateway', '/v1/api/openai'] as const;

describe('every seed model answers through the official openai client on all three base URLs', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  for (const basePath of BASE_PATHS) {
    for (const model of SEED_MODELS) {
      test(`${model.id} via ${basePath}: non-stream completion with usage, sent to ${model.provider} as ${model.upstreamId}`, async () => {
        const completion = await stack.client(basePath).chat.completions.create({
          model: model.id,
          messages: [{ role: 'user', content: 'Name three colours of the rainbow.' }],
        });
        assert.equal(completion.object, 'chat.completion');
        assert.ok(completion.choices[0].message.content, 'the answer has text');
        assert.ok(completion.usage && completion.usage.prompt_tokens > 0 && completion.usage.completion_tokens > 0);
        const upstream = stack.simulators.requests.at(-1)!;
        assert.equal(upstream.provider, model.provider);
        assert.equal(upstream.body.model, model.upstreamId);
      });

      test(`${model.id} via ${basePath}: stream relays text chunk by chunk and puts usage in the last chunk when asked`, async () => {
        const stream = await stack.client(basePath).chat.completions.create({
          model: model.id,
          messages: [{ role: 'user', content: 'Name three colours of the rainbow.' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = '';
        const chunks = [];
        for await (const chunk of stream) {
          chunks.push(chunk);
          text += chunk.choices[0]?.delta?.content ?? '';
        }
        assert.ok(text.length > 0, 'streamed text arrives');
        assert.ok(chunks.length > 2, 'more than one content chunk');
        const withUsage = chunks.filter((chunk) => chunk.usage);
        assert.equal(withUsage.length, 1, 'usage is reported once');
        assert.equal(withUsage[0], chunks.at(-1), 'in the last chunk');
        assert.ok(withUsage[0].usage!.completion_tokens > 0);
      });
    }
  }

  test('a stream whose client did not ask for usage shows none, yet the gateway asked upstream and recorded it', async () => {
    for (const model of SEED_MODELS) {
      stack.simulators.reset();
      const stream = await stack.client().chat.completions.create({ model: model.id, messages: [{ role: 'user', content: 'Hello there' }], stream: true });
      for await (const chunk of stream) assert.equal(chunk.usage ?? undefined, undefined, `${model.id}: no usage shown to the client`);
      const upstream = stack.simulators.requests.at(-1)!;
      if (model.provider !== 'perplexity') assert.equal(upstream.body.stream_options?.include_usage, true, `${model.id}: usage requested upstream`);
    }
    await stack.gateway.switchyard.usage.flush();
    const records = await stack.gateway.switchyard.store.listUsageRecords();
    for (const model of SEED_MODELS) {
      const record = records.find((candidate) => candidate.model === model.id && candidate.streamed);
      assert.ok(record, `${model.id}: a usage record exists`);
      assert.equal(record.status, 200);
      assert.ok((record.promptTokens ?? 0) > 0 && (record.completionTokens ?? 0) > 0, `${model.id}: the record has the stream's token counts`);
    }
  });

  test('GET /models lists exactly the models whose provider is on, and retrieves ids that contain slashes', async () => {
    const listed = [];
    for await (const model of stack.client('/v1/gateway').models.list()) listed.push(model.id);
    // The test stack configures every provider, Anthropic's and Google's included.
    assert.deepEqual(listed.sort(), defaultModels().models.map((model) => model.id).sort());
    for (const model of BUILTIN_MODELS) assert.ok(listed.includes(model.id), `${model.id} is listed`);
    const fireworks = await stack.client('/v1').models.retrieve('accounts/fireworks/models/gpt-oss-120b');
    assert.equal(fireworks.id, 'accounts/fireworks/models/gpt-oss-120b');
    assert.equal(fireworks.owned_by, 'fireworks');
    // OpenAI's four fields, then what a client needs to pick and budget a model.
    assert.deepEqual(fireworks, {
      id: 'accounts/fireworks/models/gpt-oss-120b',
      object: 'model',
      created: 1_735_689_600,
      owned_by: 'fireworks',
      kind: 'chat',
      context_window: 131_072,
      max_output_tokens: 32_768,
      capabilities: { tools: true, vision: false, reasoning: true, json_schema: true },
      pricing: { unit: 'credits per million tokens', input: '0.15', cached_input: '0.15', output: '0.6' },
    });
    const tiered = (await stack.client('/v1').models.retrieve('gemini-2.5-pro')) as unknown as { pricing: { tiers?: { above_input_tokens: number; input: string }[] } };
    assert.deepEqual(tiered.pricing.tiers?.map((tier) => [tier.above_input_tokens, tier.input]), [[200_000, '2.5']], 'long-context prices above 200K prompt tokens');
    for (const path of ['/v1/gateway/models/accounts/fireworks/models/gpt-oss-120b/', '/v1/models/accounts/fireworks/models/gpt-oss-120b', '/v1/gateway/models/']) {
      const response = await fetch(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
      assert.equal(response.status, 200, path);
    }
  });
});
