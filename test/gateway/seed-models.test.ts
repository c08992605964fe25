import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
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
    assert.deepEqual(listed.sort(), BUILTIN_MODELS.map((model) => model.id).sort());
    const fireworks = await stack.client('/v1').models.retrieve('accounts/fireworks/models/gpt-oss-120b');
    assert.equal(fireworks.id, 'accounts/fireworks/models/gpt-oss-120b');
    assert.equal(fireworks.owned_by, 'fireworks');
    for (const path of ['/v1/gateway/models/accounts/fireworks/models/gpt-oss-120b/', '/v1/models/accounts/fireworks/models/gpt-oss-120b', '/v1/gateway/models/']) {
      const response = await fetch(`${stack.gateway.url}${path}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
      assert.equal(response.status, 200, path);
    }
  });
});
