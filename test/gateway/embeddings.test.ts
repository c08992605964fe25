import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GoogleGenAI } from '@google/genai';
import { GoogleGenerativeAIEmbeddings } from '@langchain/google-genai';
import OpenAI from 'openai';
import { formatMicros } from '../../src/core/format-micros.ts';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * Embeddings and moderations through the official `openai` client, as a retrieval app calls them:
 * OpenAI's, Fireworks' and Gemini's embedding models (floats, the SDK's default base64,
 * `dimensions`), billed exactly from the usage the client sees; the route's refusals; a model of
 * another kind on the wrong route; moderations, free.
 */

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0) / (Math.hypot(...a) * Math.hypot(...b));

describe('embeddings: POST /v1/embeddings', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  for (const [model, provider, dimensions] of [
    ['text-embedding-3-small', 'openai', 1_536],
    ['nomic-ai/nomic-embed-text-v1.5', 'fireworks', 768],
    ['gemini-embedding-001', 'google', 3_072],
  ] as const) {
    test(`${model} (${provider}): the SDK's default base64 and floats decode to the same unit vectors, billed exactly`, async () => {
      const openai = stack.client();
      const input = ['The quick brown fox', 'jumps over the lazy dog'];
      // The SDK asks for base64 when the caller names no format, and decodes it to floats itself.
      const { data, response } = await openai.embeddings.create({ model, input }).withResponse();
      assert.equal(data.object, 'list');
      assert.equal(data.model, model);
      assert.equal(data.data.length, 2);
      for (const [index, item] of data.data.entries()) {
        assert.equal(item.index, index);
        assert.equal(item.embedding.length, dimensions);
        assert.ok(Math.abs(Math.hypot(...item.embedding) - 1) < 1e-3, 'a unit vector');
      }
      const floats = await openai.embeddings.create({ model, input, encoding_format: 'float' });
      assert.ok(Array.isArray(floats.data[0]!.embedding));
      for (const index of [0, 1]) assert.ok(cosine(floats.data[index]!.embedding, data.data[index]!.embedding) > 0.9999, 'base64 and float agree');
      assert.ok(cosine(data.data[0]!.embedding, data.data[1]!.embedding) < 0.99, 'different texts, different vectors');

      const upstream = stack.simulators.requests.filter((request) => request.provider === provider).at(-1)!;
      if (provider === 'google') {
        assert.match(upstream.path, /\/v1beta\/models\/gemini-embedding-001:batchEmbedContents$/);
        assert.equal((upstream.body as { requests: unknown[] }).requests.length, 2);
        assert.equal(upstream.headers['x-goog-api-key'] !== undefined, true);
      } else {
        assert.match(upstream.path, /\/embeddings$/);
        assert.equal((upstream.body as { encoding_format: string }).encoding_format, 'float', 'the gateway asks for floats and encodes base64 itself');
      }

      const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
      const catalogModel = stack.gateway.switchyard.catalog.find(model)!;
      assert.equal(record.surface, 'openai-embeddings');
      assert.equal(record.model, model);
      assert.equal(record.provider, provider);
      assert.equal(record.status, 200);
      assert.equal(record.promptTokens, data.usage.prompt_tokens);
      assert.equal(data.usage.total_tokens, data.usage.prompt_tokens);
      assert.equal(record.completionTokens, 0);
      assert.equal(record.cost, computeCost({ promptTokens: data.usage.prompt_tokens, completionTokens: 0 }, catalogModel.pricing));
      assert.equal((data.usage as unknown as { cost: number }).cost, record.cost / 1_000_000);
      assert.equal(response.headers.get('x-switchyard-credits-used'), formatMicros(record.cost));
      // Gemini reports no token count: the gateway's estimate, flagged as such.
      assert.equal(record.usageFlag, provider === 'google' ? 'usage_estimated' : null);
      const ledger = await stack.gateway.switchyard.store.listLedgerEntries({ limit: 100 });
      assert.equal(ledger.find((entry) => entry.requestId === record.requestId)?.amount, record.cost > 0 ? -record.cost : undefined);
    });
  }

  test('dimensions shorten the vectors where the model takes them; elsewhere a 400 naming it', async () => {
    const openai = stack.client();
    const small = await openai.embeddings.create({ model: 'text-embedding-3-large', input: 'hello', dimensions: 256, encoding_format: 'float' });
    assert.equal(small.data[0]!.embedding.length, 256);
    const gemini = await openai.embeddings.create({ model: 'gemini-embedding-001', input: 'hello', dimensions: 768 });
    assert.equal(gemini.data[0]!.embedding.length, 768);
    assert.equal((stack.simulators.requests.at(-1)!.body as { requests: { outputDimensionality: number }[] }).requests[0]!.outputDimensionality, 768);
    await assert.rejects(openai.embeddings.create({ model: 'text-embedding-ada-002', input: 'hello', dimensions: 256 }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400 && /dimensions/.test(error.message));
    await assert.rejects(openai.embeddings.create({ model: 'gemini-embedding-001', input: 'hello', dimensions: 64 }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 422 && /128/.test(error.message));
  });

  test('token ids are embedded by providers that take them, refused by name by Gemini', async () => {
    const openai = stack.client();
    const ids = await openai.embeddings.create({ model: 'text-embedding-3-small', input: [[9906, 1917], [15339]], encoding_format: 'float' });
    assert.equal(ids.data.length, 2);
    assert.equal(ids.usage.prompt_tokens, 3);
    await assert.rejects(openai.embeddings.create({ model: 'gemini-embedding-001', input: [9906, 1917] }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400 && /token ids/.test(error.message));
  });

  test('bad input is a 4xx in the envelope; a chat model here and an embedding model on chat are 400s naming the route', async () => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${stack.gateway.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { error: { code: string; message: string } } };
    };
    for (const body of [{ model: 'text-embedding-3-small' }, { model: 'text-embedding-3-small', input: '' }, { model: 'text-embedding-3-small', input: [] }, { model: 'text-embedding-3-small', input: [1, 'a'] }, { model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' }, { input: 'x' }]) {
      const answer = await post('/v1/embeddings', body);
      assert.ok(answer.status === 422 || answer.status === 400, `${JSON.stringify(body)}: ${answer.status}`);
      assert.ok(answer.body.error.code, 'in the envelope');
    }
    assert.equal((await post('/v1/embeddings', { model: 'no-such-embedder', input: 'x' })).status, 404);
    const chatHere = await post('/v1/embeddings', { model: 'gpt-5-mini', input: 'x' });
    assert.equal(chatHere.status, 400);
    assert.equal(chatHere.body.error.code, 'unsupported_model_kind');
    assert.match(chatHere.body.error.message, /chat model/);
    const embeddingOnChat = await post('/v1/chat/completions', { model: 'text-embedding-3-small', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(embeddingOnChat.status, 400);
    assert.match(embeddingOnChat.body.error.message, /\/v1\/embeddings/);
    const tooMany = await post('/v1/embeddings', { model: 'gemini-embedding-001', input: Array.from({ length: 101 }, (_, index) => `text ${index}`) });
    assert.equal(tooMany.status, 422);
    assert.match(tooMany.body.error.message, /at most 100/);
  });

  test('a provider failure is retried; no credit is a 402; the models list says what each model does', async () => {
    const openai = stack.client();
    stack.simulators.addFault({ provider: 'openai', status: 503, times: 1 });
    const retried = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'retry me', encoding_format: 'float' });
    assert.equal(retried.data.length, 1);

    const { switchyard } = stack.gateway;
    await switchyard.accounts.createOrganization('broke-embeddings');
    const broke = stack.client('/v1', (await switchyard.accounts.createApiKey('broke-embeddings', 'tests')).secret);
    await assert.rejects(broke.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 402);

    const models = await openai.models.list();
    const byId = new Map(models.data.map((model) => [model.id, model as unknown as { kind: string; dimensions?: number }]));
    assert.equal(byId.get('text-embedding-3-small')?.kind, 'embedding');
    assert.equal(byId.get('text-embedding-3-small')?.dimensions, 1_536);
    assert.equal(byId.get('omni-moderation-latest')?.kind, 'moderation');
    assert.equal(byId.get('gpt-5-mini')?.kind, 'chat');
  });
});

describe("embeddings on the Gemini API surface: Google's SDK and LangChain's Google embeddings", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('@google/genai embedContent (batchEmbedContents) on Gemini and on OpenAI models, billed; LangChain embedQuery (embedContent)', async () => {
    const ai = new GoogleGenAI({ apiKey: stack.apiKey, httpOptions: { baseUrl: stack.gateway.url } });
    const gemini = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['The quick brown fox', 'jumps'], config: { outputDimensionality: 768, taskType: 'RETRIEVAL_DOCUMENT' } });
    assert.equal(gemini.embeddings?.length, 2);
    assert.equal(gemini.embeddings![0]!.values!.length, 768);
    const upstream = stack.simulators.requests.filter((request) => request.provider === 'google').at(-1)!;
    assert.match(upstream.path, /gemini-embedding-001:batchEmbedContents$/);
    assert.deepEqual((upstream.body as { requests: { taskType: string; outputDimensionality: number }[] }).requests.map((request) => [request.taskType, request.outputDimensionality]), [['RETRIEVAL_DOCUMENT', 768], ['RETRIEVAL_DOCUMENT', 768]]);

    // The same vectors as OpenAI's surface gives for the same text and model.
    const openaiSurface = await stack.client().embeddings.create({ model: 'gemini-embedding-001', input: 'jumps', dimensions: 768, encoding_format: 'float' });
    assert.ok(cosine(openaiSurface.data[0]!.embedding, gemini.embeddings![1]!.values!) > 0.9999);

    const translated = await ai.models.embedContent({ model: 'text-embedding-3-small', contents: 'Hello' });
    assert.equal(translated.embeddings?.[0]?.values?.length, 1_536);
    assert.match(stack.simulators.requests.at(-1)!.path, /\/openai\/v1\/embeddings$/);

    await stack.gateway.switchyard.usage.flush();
    const records = (await stack.gateway.switchyard.store.listUsageRecords({ limit: 10 })).filter((record) => record.surface === 'gemini-embed-content');
    assert.equal(records.length, 2);
    const openaiRecord = records.find((record) => record.model === 'text-embedding-3-small')!;
    assert.ok(openaiRecord.promptTokens! > 0 && openaiRecord.cost === computeCost({ promptTokens: openaiRecord.promptTokens!, completionTokens: 0 }, stack.gateway.switchyard.catalog.find('text-embedding-3-small')!.pricing));

    const langchain = new GoogleGenerativeAIEmbeddings({ model: 'gemini-embedding-001', apiKey: stack.apiKey, baseUrl: stack.gateway.url });
    const query = await langchain.embedQuery('What does the fox do?');
    assert.equal(query.length, 3_072);
    assert.match(stack.simulators.requests.at(-1)!.path, /:batchEmbedContents$/, 'the gateway calls the provider in one batch');
    const documents = await langchain.embedDocuments(['one', 'two', 'three']);
    assert.equal(documents.length, 3);

    // Refusals in Google's envelope.
    const refusal = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'x', config: { outputDimensionality: 64 } }).then(
      () => undefined,
      (error: { status?: number; message?: string }) => error,
    );
    assert.equal(refusal?.status, 400);
    assert.match(String(refusal?.message), /128/);
  });
});

describe('moderations: POST /v1/moderations', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('the official client moderates text and images through OpenAI, free, and recorded', async () => {
    const openai = stack.client();
    const { data, response } = await openai.moderations.create({ input: ['I will attack the castle', 'A quiet afternoon'] }).withResponse();
    assert.equal(data.results.length, 2);
    assert.equal(data.results[0]!.flagged, true);
    assert.equal(data.results[0]!.categories.violence, true);
    assert.equal(data.results[1]!.flagged, false);
    const multimodal = await openai.moderations.create({ model: 'omni-moderation-latest', input: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] });
    assert.deepEqual(multimodal.results[0]!.category_applied_input_types.violence, ['text', 'image']);
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.surface, 'openai-moderations');
    assert.equal(record.model, 'omni-moderation-latest');
    assert.equal(record.cost, 0);
    assert.equal(record.status, 200);
    await assert.rejects(openai.moderations.create({ model: 'text-moderation-latest', input: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400 && /image/.test(error.message));
    await assert.rejects(openai.moderations.create({ model: 'gpt-5-mini', input: 'x' }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400);
  });
});
