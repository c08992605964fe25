import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { ApiError, GoogleGenAI, Type, type Content, type GenerateContentResponse, type GenerateContentResponseUsageMetadata } from '@google/genai';
import { ChatGoogleGenerativeAI } from '@langchain/google-genai';
import pino from 'pino';
import { computeCost } from '../../src/metering/compute-cost.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

/** A Gemini model passed through, and models of other providers translated. */
const NATIVE_MODEL = 'gemini-2.5-flash';
const TRANSLATED_MODELS = ['claude-sonnet-4-6', 'gpt-5-mini'];
const FIREWORKS_MODEL = 'accounts/fireworks/models/gpt-oss-120b';
const SURFACE = 'gemini-generate-content';

const WEATHER_TOOLS = [
  {
    functionDeclarations: [
      { name: 'get_weather', description: 'Current weather in a city', parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] } },
    ],
  },
];

type UsageWithCost = GenerateContentResponseUsageMetadata & { cost?: number };

describe('Gemini API surface with @google/genai and LangChain', () => {
  let stack: Stack;
  const logLines: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    stack = await startStack({}, { logger: pino({ level: 'trace' }, sink) });
  });
  after(() => stack.close());

  const genai = (apiVersion: 'v1beta' | 'v1' = 'v1beta', options: { apiKey?: string; basePath?: string } = {}) =>
    new GoogleGenAI({ apiKey: options.apiKey ?? stack.apiKey, apiVersion, httpOptions: { baseUrl: `${stack.gateway.url}${options.basePath ?? ''}` } });

  /** The usage record and ledger debit of a request are what its usageMetadata says, priced at the catalog's prices, and its `cost` says the same. */
  async function assertBilledAsReported(requestId: string, model: string, usage: UsageWithCost | undefined, streamed: boolean): Promise<void> {
    assert.ok(usage, 'the answer reports its usage');
    const tokens = {
      promptTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
      cachedPromptTokens: usage.cachedContentTokenCount ?? 0,
      completionTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    };
    assert.ok(tokens.promptTokens > 0 && tokens.completionTokens > 0, `tokens reported: ${JSON.stringify(usage)}`);
    const expected = computeCost(tokens, stack.gateway.switchyard.chat.resolve(model).model.pricing);
    assert.ok(expected > 0);
    const record = await stack.usageRecordOf(requestId);
    assert.equal(record.surface, SURFACE);
    assert.equal(record.streamed, streamed);
    assert.equal(record.status, 200);
    assert.equal(record.promptTokens, tokens.promptTokens);
    assert.equal(record.completionTokens, tokens.completionTokens);
    assert.equal(record.cost, expected, 'the record is priced at the catalog prices of the reported usage');
    assert.equal(record.usageFlag ?? null, null);
    const debit = (await stack.gateway.switchyard.store.listLedgerEntries({ limit: 100_000 })).find((entry) => entry.kind === 'debit' && entry.requestId === requestId);
    assert.equal(debit?.amount, -expected, 'the ledger is debited the same');
    assert.equal(usage.cost, expected / 1_000_000, 'usageMetadata.cost is what was charged, in credits');
  }

  for (const model of [NATIVE_MODEL, ...TRANSLATED_MODELS]) {
    for (const apiVersion of ['v1beta', 'v1'] as const) {
      test(`${model} on /${apiVersion}: generateContent and generateContentStream answer text, usage and cost, billed exactly`, async () => {
        const ai = genai(apiVersion);
        const response = await ai.models.generateContent({ model, contents: 'Name three colours of the rainbow.', config: { systemInstruction: 'Be brief.' } });
        assert.ok((response.text ?? '').length > 0, 'text');
        assert.equal(response.candidates?.[0]?.finishReason, 'STOP');
        assert.equal(response.candidates?.[0]?.content?.role, 'model');
        await assertBilledAsReported(requestIdOf(response), model, response.usageMetadata as UsageWithCost, false);

        const chunks: GenerateContentResponse[] = [];
        for await (const chunk of await ai.models.generateContentStream({ model, contents: 'Name three colours of the rainbow.' })) chunks.push(chunk);
        assert.ok(chunks.length >= 2, 'several events');
        const text = chunks.map((chunk) => chunk.text ?? '').join('');
        assert.ok(text.length > 0, 'streamed text');
        const last = chunks.at(-1)!;
        assert.equal(last.candidates?.[0]?.finishReason, 'STOP', 'the last event finishes');
        const totals = chunks.map((chunk) => chunk.usageMetadata?.totalTokenCount).filter((total): total is number => total !== undefined);
        assert.deepEqual(totals, [...totals].sort((a, b) => a - b), 'usage is a running total, never a delta');
        assert.equal(totals.at(-1), last.usageMetadata?.totalTokenCount, 'the last event carries the whole usage');
        await assertBilledAsReported(requestIdOf(last), model, last.usageMetadata as UsageWithCost, true);
      });
    }
  }

  test('a Gemini model is passed through to Google (v1beta, always) with the gateway key, the body as sent and the model in the path', async () => {
    stack.simulators.reset();
    await genai('v1').models.generateContent({ model: NATIVE_MODEL, contents: 'Hi', config: { temperature: 0.5, thinkingConfig: { thinkingBudget: 0 }, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT' as never, threshold: 'BLOCK_NONE' as never }] } });
    const upstream = stack.simulators.requests.at(-1)!;
    assert.equal(upstream.provider, 'google');
    assert.equal(upstream.path, `/gemini/v1beta/models/${NATIVE_MODEL}:generateContent`);
    assert.equal(upstream.headers['x-goog-api-key'], PROVIDER_KEYS.google);
    assert.doesNotMatch(JSON.stringify(upstream.headers), new RegExp(stack.apiKey));
    assert.deepEqual(upstream.body, {
      contents: [{ parts: [{ text: 'Hi' }], role: 'user' }],
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      generationConfig: { temperature: 0.5, thinkingConfig: { thinkingBudget: 0 } },
    });
  });

  test("a passed-through stream whose first event is Google's error event is tried again, before any byte reached the client", async () => {
    stack.simulators.reset();
    stack.simulators.addFault({ provider: 'google', model: NATIVE_MODEL, afterChunks: 0, breakMode: 'error-event', times: 1 });
    let text = '';
    for await (const chunk of await genai().models.generateContentStream({ model: NATIVE_MODEL, contents: 'Name a colour.' })) text += chunk.text ?? '';
    assert.ok(text.length > 0, 'the retry answered');
    const attempts = stack.simulators.requests.filter((request) => request.path.includes(`${NATIVE_MODEL}:streamGenerateContent`));
    assert.equal(attempts.length, 2, 'the error event was a failure before any byte: retried once');
  });

  test('a translated request reaches the provider in its own format: system instruction, sampling, output limit', async () => {
    stack.simulators.reset();
    const response = await genai().models.generateContent({
      model: 'gpt-5-mini',
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      config: { systemInstruction: 'Be brief.', maxOutputTokens: 300, topK: 3 },
    });
    const upstream = stack.simulators.requests.at(-1)!;
    assert.equal(upstream.provider, 'openai');
    assert.deepEqual(upstream.body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]);
    assert.equal(upstream.body.max_completion_tokens, 300);
    assert.equal(upstream.headers.authorization, `Bearer ${PROVIDER_KEYS.openai}`);
    assert.match(String(headerOf(response, 'x-switchyard-adjustments')), /generationConfig\.topK dropped/);
  });

  for (const model of [NATIVE_MODEL, 'claude-sonnet-4-6', 'gpt-5-mini']) {
    test(`${model}: a two-turn function-calling loop (functionCall → functionResponse → answer), streamed calls equal to whole ones`, async () => {
      const ai = genai();
      const contents: Content[] = [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }];
      const first = await ai.models.generateContent({ model, contents, config: { tools: WEATHER_TOOLS } });
      const calls = first.functionCalls ?? [];
      assert.equal(calls.length, 1, 'one call');
      assert.equal(calls[0]!.name, 'get_weather');
      assert.equal(typeof calls[0]!.args?.city, 'string');
      assert.equal(first.candidates?.[0]?.finishReason, 'STOP', 'Gemini ends a calling turn with STOP');

      const streamedCalls = [];
      for await (const chunk of await ai.models.generateContentStream({ model, contents, config: { tools: WEATHER_TOOLS } })) streamedCalls.push(...(chunk.functionCalls ?? []));
      assert.equal(streamedCalls.length, 1, 'the streamed call comes whole, once');
      assert.equal(streamedCalls[0]!.name, 'get_weather');
      assert.deepEqual(streamedCalls[0]!.args, calls[0]!.args);

      contents.push(first.candidates![0]!.content!);
      // Older clients answer by name only; the gateway finds the call the response answers.
      const answerPart = model === 'gpt-5-mini' ? { id: calls[0]!.id, name: 'get_weather', response: { temperature: 21 } } : { name: 'get_weather', response: { temperature: 21 } };
      contents.push({ role: 'user', parts: [{ functionResponse: answerPart }] });
      const answer = await ai.models.generateContent({ model, contents, config: { tools: WEATHER_TOOLS } });
      assert.equal(answer.functionCalls, undefined, 'no further call');
      assert.match(answer.text ?? '', /21/);
    });
  }

  test('countTokens: forwarded to Google for a Gemini model, estimated for the others, free of charge', async () => {
    const ai = genai();
    stack.simulators.reset();
    const native = await ai.models.countTokens({ model: NATIVE_MODEL, contents: 'Hello there, how are you today?' });
    assert.ok((native.totalTokens ?? 0) > 0);
    assert.equal(stack.simulators.requests.at(-1)?.path, `/gemini/v1beta/models/${NATIVE_MODEL}:countTokens`);
    for (const model of TRANSLATED_MODELS) {
      const counted = await ai.models.countTokens({ model, contents: 'Hello there, how are you today?' });
      assert.ok((counted.totalTokens ?? 0) > 0 && (counted.totalTokens ?? 0) < 30, `${model}: ${counted.totalTokens}`);
    }
    assert.equal(stack.simulators.requests.length, 1, 'only the Gemini model reached a provider');
  });

  test('models.list pages through every served model (pageSize, nextPageToken); models.get takes an id with slashes, on v1beta and v1', async () => {
    const served = stack.gateway.switchyard.chat.availableModels().filter((model) => model.kind !== 'moderation');
    for (const apiVersion of ['v1beta', 'v1'] as const) {
      const ai = genai(apiVersion);
      const pager = await ai.models.list({ config: { pageSize: 7 } });
      assert.equal(pager.page.length, 7);
      const names: string[] = [];
      for await (const model of pager) names.push(model.name!);
      assert.equal(names.length, served.length, 'every page, once');
      assert.equal(new Set(names).size, names.length);
      for (const id of [NATIVE_MODEL, ...TRANSLATED_MODELS, FIREWORKS_MODEL]) assert.ok(names.includes(`models/${id}`), id);

      const fireworks = await ai.models.get({ model: FIREWORKS_MODEL });
      assert.equal(fireworks.name, `models/${FIREWORKS_MODEL}`);
      assert.ok(fireworks.supportedActions?.includes('generateContent'));
      assert.ok((fireworks.inputTokenLimit ?? 0) > 0 && (fireworks.outputTokenLimit ?? 0) > 0);
      const missing = await rejectionOf(ai.models.get({ model: 'no-such-model' }));
      assert.equal(missing.status, 404);
      assert.equal(googleStatusOf(missing), 'NOT_FOUND');
    }
  });

  test(`an id with slashes generates on every path form: models/${FIREWORKS_MODEL}:… and the legacy ${FIREWORKS_MODEL}:…`, async () => {
    const response = await genai().models.generateContent({ model: FIREWORKS_MODEL, contents: 'Hi' });
    assert.ok((response.text ?? '').length > 0);
    const legacy = await fetch(`${stack.gateway.url}/v1beta/${FIREWORKS_MODEL}:generateContent`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': stack.apiKey }, body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }) });
    assert.equal(legacy.status, 200);
    assert.ok(((await legacy.json()) as { candidates: unknown[] }).candidates.length === 1);
  });

  test('the gateway path /v1/gateway/gemini serves the same API (v1beta and v1)', async () => {
    for (const apiVersion of ['v1beta', 'v1'] as const) {
      const response = await genai(apiVersion, { basePath: '/v1/gateway/gemini' }).models.generateContent({ model: 'gpt-5-mini', contents: 'Hi' });
      assert.ok((response.text ?? '').length > 0);
    }
  });

  test('streamGenerateContent without alt=sse answers one JSON array', async () => {
    for (const model of [NATIVE_MODEL, 'gpt-5-mini']) {
      const response = await fetch(`${stack.gateway.url}/v1beta/models/${model}:streamGenerateContent`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': stack.apiKey }, body: JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] }) });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { candidates: { finishReason: string }[]; usageMetadata: UsageWithCost }[];
      assert.ok(Array.isArray(body) && body.length >= 1, model);
      assert.equal(body.at(-1)!.candidates[0]!.finishReason, 'STOP');
      assert.ok((body.at(-1)!.usageMetadata.cost ?? 0) > 0);
    }
  });

  test('errors come in Google\'s envelope with the status names clients read', async () => {
    const ai = genai();
    const unknown = await rejectionOf(ai.models.generateContent({ model: 'no-such-model', contents: 'Hi' }));
    assert.equal(unknown.status, 404);
    assert.equal(googleStatusOf(unknown), 'NOT_FOUND');

    const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': stack.apiKey }) =>
      fetch(`${stack.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const invalid = await post(`/v1beta/models/${NATIVE_MODEL}:generateContent`, { contents: 'not a list', generationConfig: { maxOutputTokens: -1 } });
    assert.equal(invalid.status, 400);
    assert.match(String(invalid.headers.get('content-type')), /^application\/json/);
    const invalidBody = (await invalid.json()) as { error: { code: number; status: string; message: string; details: { '@type': string; fieldViolations?: { field: string }[] }[] } };
    assert.equal(invalidBody.error.code, 400);
    assert.equal(invalidBody.error.status, 'INVALID_ARGUMENT');
    const violations = invalidBody.error.details.find((detail) => detail['@type'].endsWith('google.rpc.BadRequest'))?.fieldViolations?.map((violation) => violation.field);
    assert.deepEqual(violations?.sort(), ['contents', 'generationConfig.maxOutputTokens']);

    const untranslatable = await rejectionOf(ai.models.generateContent({ model: 'gpt-5-mini', contents: 'Hi', config: { tools: [{ googleSearch: {} }] } }));
    assert.equal(untranslatable.status, 400);
    assert.match(untranslatable.message, /The googleSearch tool is only supported for Gemini models/);

    // A chat model on embedContent is a 400 naming the route to use (embeddings themselves: test/gateway/embeddings.test.ts).
    const embeddings = await rejectionOf(ai.models.embedContent({ model: NATIVE_MODEL, contents: 'Hi' }));
    assert.equal(embeddings.status, 400);
    assert.equal(googleStatusOf(embeddings), 'INVALID_ARGUMENT');
    const unknownMethod = await post(`/v1beta/models/${NATIVE_MODEL}:predict`, {});
    assert.equal(unknownMethod.status, 404);
    const unauthenticated = await post(`/v1beta/models/${NATIVE_MODEL}:generateContent`, { contents: [] }, {});
    assert.equal(unauthenticated.status, 401);
    assert.equal(((await unauthenticated.json()) as { error: { status: string } }).error.status, 'UNAUTHENTICATED');

    await stack.gateway.switchyard.accounts.createOrganization('broke');
    const { secret } = await stack.gateway.switchyard.accounts.createApiKey('broke', 'no credit');
    const broke = await rejectionOf(genai('v1beta', { apiKey: secret }).models.generateContent({ model: NATIVE_MODEL, contents: 'Hi' }));
    assert.equal(broke.status, 402);
    assert.equal(googleStatusOf(broke), 'RESOURCE_EXHAUSTED');
  });

  test('the key is accepted as ?key= and as x-goog-api-key, and the ?key= never reaches the logs', async () => {
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'Hi' }] }] });
    const inQuery = await fetch(`${stack.gateway.url}/v1beta/models/${NATIVE_MODEL}:generateContent?key=${stack.apiKey}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(inQuery.status, 200);
    const listed = await fetch(`${stack.gateway.url}/v1beta/models?key=${stack.apiKey}&pageSize=2`);
    assert.equal(listed.status, 200);
    const inHeader = await fetch(`${stack.gateway.url}/v1beta/models/gpt-5-mini:streamGenerateContent?alt=sse`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': stack.apiKey }, body });
    assert.equal(inHeader.status, 200);
    assert.match(await inHeader.text(), /^data: \{/);
    const wrongKey = await fetch(`${stack.gateway.url}/v1beta/models/${NATIVE_MODEL}:generateContent?key=sy_wrong`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(wrongKey.status, 401);
    // The key in the query is honoured on the Gemini routes only.
    const elsewhere = await fetch(`${stack.gateway.url}/v1/chat/completions?key=${stack.apiKey}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }) });
    assert.equal(elsewhere.status, 401);
    await stack.gateway.switchyard.usage.flush();
    assert.ok(logLines.some((line) => line.includes('"route":"/v1beta/*"')), 'the requests were logged');
    assert.deepEqual(logLines.filter((line) => line.includes(stack.apiKey) || line.includes('sy_wrong')), [], 'no key in the logs');
  });

  for (const model of [NATIVE_MODEL, 'claude-sonnet-4-6']) {
    test(`LangChain ChatGoogleGenerativeAI: ${model} invoke and stream`, async () => {
      const chat = new ChatGoogleGenerativeAI({ model, apiKey: stack.apiKey, baseUrl: stack.gateway.url, maxRetries: 0 });
      const message = await chat.invoke([['system', 'Be brief.'], ['human', 'Name three colours of the rainbow.']]);
      assert.ok(typeof message.content === 'string' && message.content.length > 0);
      assert.ok((message.usage_metadata?.input_tokens ?? 0) > 0 && (message.usage_metadata?.output_tokens ?? 0) > 0);
      let streamed = '';
      let outputTokens = 0;
      for await (const chunk of await chat.stream('Name three colours of the rainbow.')) {
        streamed += typeof chunk.content === 'string' ? chunk.content : '';
        outputTokens += chunk.usage_metadata?.output_tokens ?? 0;
      }
      assert.ok(streamed.length > 0);
      assert.ok(outputTokens > 0, 'usage arrives in the stream');
    });
  }

  test(`LangChain reaches a model whose id has slashes (${FIREWORKS_MODEL})`, async () => {
    const chat = new ChatGoogleGenerativeAI({ model: FIREWORKS_MODEL, apiKey: stack.apiKey, baseUrl: stack.gateway.url, maxRetries: 0 });
    const message = await chat.invoke('Hi');
    assert.ok(typeof message.content === 'string' && message.content.length > 0);
  });
});

function headerOf(response: GenerateContentResponse, name: string): string | undefined {
  const headers = response.sdkHttpResponse?.headers as Record<string, string> | Headers | undefined;
  if (!headers) return undefined;
  return typeof (headers as Headers).get === 'function' ? ((headers as Headers).get(name) ?? undefined) : (headers as Record<string, string>)[name];
}

function requestIdOf(response: GenerateContentResponse): string {
  const id = headerOf(response, 'x-request-id');
  assert.ok(id, 'the answer names its request');
  return id;
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be rejected');
}

/** The google.rpc status name in an ApiError (its message is the error body as JSON). */
function googleStatusOf(error: ApiError): string | undefined {
  try {
    return (JSON.parse(error.message) as { error?: { status?: string } }).error?.status;
  } catch {
    return undefined;
  }
}
