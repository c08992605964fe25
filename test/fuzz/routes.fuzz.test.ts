import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { startStack, type Stack } from '../support/start-stack.ts';

/** Cases per CI run, split across the routes; FUZZ_CASES overrides it (a longer local run). */
const CASES = Number(process.env.FUZZ_CASES ?? 100_000);
const IN_FLIGHT = 32;

type Dialect = 'openai' | 'anthropic' | 'gemini';
interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `{model}` is replaced by a model of each case (Gemini names the model in the path). */
  path: string;
  dialect: Dialect;
  /** Its share of the cases: model routes take most. */
  weight: number;
  /** The models `{model}` takes in this route's cases; the chat models when absent. */
  models?: string[];
}

const ROUTES: Route[] = [
  { method: 'POST', path: '/v1/chat/completions', dialect: 'openai', weight: 10 },
  { method: 'POST', path: '/v1/api/openai/chat/completions', dialect: 'openai', weight: 6 },
  { method: 'POST', path: '/v1/responses', dialect: 'openai', weight: 10 },
  { method: 'POST', path: '/v1/messages', dialect: 'anthropic', weight: 10 },
  { method: 'POST', path: '/v1/messages/count_tokens', dialect: 'anthropic', weight: 3 },
  { method: 'GET', path: '/v1/models', dialect: 'openai', weight: 1 },
  { method: 'GET', path: '/v1/gateway/credits', dialect: 'openai', weight: 1 },
  { method: 'GET', path: '/v1/responses/resp_fuzz', dialect: 'openai', weight: 1 },
  { method: 'POST', path: '/v1/completions', dialect: 'openai', weight: 3 },
  { method: 'POST', path: '/v1beta/models/{model}:generateContent', dialect: 'gemini', weight: 6 },
  { method: 'POST', path: '/v1/embeddings', dialect: 'openai', weight: 3 },
  { method: 'POST', path: '/v1/moderations', dialect: 'openai', weight: 1 },
  { method: 'POST', path: '/v1/audio/speech', dialect: 'openai', weight: 1 },
  { method: 'POST', path: '/v1/images/generations', dialect: 'openai', weight: 1 },
  { method: 'POST', path: '/v1/videos', dialect: 'openai', weight: 1 },
  { method: 'GET', path: '/v1/videos?limit=3', dialect: 'openai', weight: 1 },
  { method: 'GET', path: '/v1/videos/video_fuzz/content', dialect: 'openai', weight: 1 },
  { method: 'DELETE', path: '/v1/videos/video_fuzz', dialect: 'openai', weight: 1 },
  { method: 'POST', path: '/v1beta/models/{model}:batchEmbedContents', dialect: 'gemini', weight: 2, models: ['gemini-embedding-001', 'text-embedding-3-small', 'gpt-5-mini', 'no-such-model'] },
];

const EMBEDDING_MODELS = ['text-embedding-3-small', 'text-embedding-ada-002', 'gemini-embedding-001', 'nomic-ai/nomic-embed-text-v1.5'];

const MODELS = ['gpt-5-mini', 'gpt-5.1', 'grok-4', 'grok-3-mini', 'accounts/fireworks/models/gpt-oss-120b', 'sonar-pro', 'google/gemma-3-27b-it', 'claude-sonnet-4-6', 'gemini-2.5-flash', 'no-such-model', ''];

/** Values of every JSON type, with the edge cases numbers and strings have. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 0.5, '', 'null', '\u0000', '💥'.repeat(50), [], {}, null, true),
);

/** Mostly a valid value, sometimes anything: enough cases reach the providers, the rest probe the edges. */
const mostly = <T,>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

const textContent = fc.oneof(fc.string({ maxLength: 40 }), anyValue);
const chatMessage = fc.record(
  {
    role: mostly(fc.constantFrom('user', 'user', 'user', 'assistant', 'system', 'developer', 'tool')),
    content: fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) }, { weight: 1, arbitrary: textContent }, { weight: 1, arbitrary:  fc.array(fc.record({ type: fc.constantFrom('text', 'image_url', 'input_audio', 'file', 'weird'), text: textContent, image_url: fc.oneof(fc.record({ url: fc.constantFrom('data:image/png;base64,iVBORw0KGgo=', 'data:,', 'not a url') }), anyValue) }, { requiredKeys: ['type'] }), { maxLength: 3 }) }),
    tool_calls: fc.array(fc.record({ id: fc.string({ maxLength: 8 }), type: fc.constant('function'), function: fc.record({ name: fc.string({ maxLength: 8 }), arguments: fc.oneof(fc.string({ maxLength: 20 }), anyValue) }) }), { maxLength: 2 }),
    tool_call_id: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ['role', 'content'] },
);
const tool = fc.record({ type: fc.constantFrom('function', 'web_search', 'custom'), function: fc.record({ name: fc.stringMatching(/^[a-z_]{1,12}$/), parameters: fc.oneof(fc.constant({ type: 'object', properties: {} }), anyValue) }) }, { requiredKeys: ['type'] });

/**
 * Request bodies of each surface: `valid` ones have every field of a valid type (the providers
 * still refuse some: an unknown model, a tool message without its call); the others are near-valid,
 * each field sometimes of any type, sometimes missing.
 */
function bodies(valid: boolean) {
  const field = <T,>(arbitrary: fc.Arbitrary<T>) => (valid ? arbitrary : mostly(arbitrary));
  const models = valid ? fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...MODELS.filter((model) => model !== '' && model !== 'no-such-model')) }, { weight: 1, arbitrary: fc.constant('no-such-model') }) : fc.constantFrom(...MODELS);
  const validTool = fc.record({ type: fc.constant('function'), function: fc.record({ name: fc.stringMatching(/^[a-z_]{1,12}$/), parameters: fc.constant({ type: 'object', properties: {} }) }) });
  const text = valid ? fc.string({ minLength: 1, maxLength: 40 }) : textContent;
  const required = (keys: string[]) => ({ requiredKeys: valid ? keys : [] }) as { requiredKeys: never[] };
  const chat = fc.record(
    {
      model: field(models),
      messages: field(fc.array(fc.record({ role: field(fc.constantFrom('user', 'user', 'user', 'assistant', 'system', 'developer')), content: valid ? text : fc.oneof(text, chatMessage.map((message) => message.content)) }), { minLength: 1, maxLength: 3 })),
      stream: field(fc.boolean()),
      max_tokens: field(fc.integer({ min: 1, max: 64 })),
      temperature: field(fc.double({ min: 0, max: 2, noNaN: true })),
      tools: valid ? fc.array(validTool, { maxLength: 2 }) : mostly(fc.array(tool, { maxLength: 2 })),
      stream_options: field(fc.constant({ include_usage: true })),
    },
    required(['model', 'messages']),
  );
  const messages = fc.record(
    {
      model: field(models),
      max_tokens: field(fc.integer({ min: 1, max: 64 })),
      messages: field(fc.array(fc.record({ role: field(fc.constant('user')), content: text }), { minLength: 1, maxLength: 2 })),
      system: field(fc.string({ maxLength: 20 })),
      stream: field(fc.boolean()),
      temperature: field(fc.double({ min: 0, max: 1, noNaN: true })),
      ...(valid ? {} : { tools: anyValue, thinking: anyValue, tool_choice: anyValue }),
    },
    required(['model', 'max_tokens', 'messages']),
  );
  const responses = fc.record(
    {
      model: field(models),
      input: field(fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.array(fc.record({ role: fc.constantFrom('user', 'developer'), content: fc.string({ minLength: 1, maxLength: 20 }) }), { minLength: 1, maxLength: 2 }))),
      instructions: field(fc.string({ maxLength: 20 })),
      stream: field(fc.boolean()),
      max_output_tokens: field(fc.integer({ min: 16, max: 64 })),
      ...(valid ? {} : { tools: anyValue, previous_response_id: anyValue, reasoning: anyValue }),
    },
    required(['model', 'input']),
  );
  const completions = fc.record(
    {
      model: field(models),
      prompt: field(fc.oneof({ weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) }, { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: fc.array(fc.nat({ max: 200_000 }), { minLength: 1, maxLength: 4 }) })),
      max_tokens: field(fc.integer({ min: 1, max: 64 })),
      stream: field(fc.boolean()),
      stream_options: field(fc.constant({ include_usage: true })),
      n: field(fc.integer({ min: 1, max: 3 })),
      echo: field(fc.boolean()),
      temperature: field(fc.double({ min: 0, max: 2, noNaN: true })),
      stop: field(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 4 }))),
      ...(valid ? {} : { logprobs: anyValue, suffix: anyValue, best_of: anyValue, logit_bias: anyValue }),
    },
    required(['model', 'prompt']),
  );
  const geminiPart = valid
    ? fc.record({ text })
    : fc.oneof(
        fc.record({ text: textContent }),
        fc.record({ inlineData: fc.record({ mimeType: fc.constantFrom('image/png', 'audio/wav', 'video/mp4', 'nonsense'), data: fc.constantFrom('iVBORw0KGgo=', '', '!!') }) }),
        fc.record({ functionCall: fc.record({ name: fc.string({ maxLength: 8 }), args: anyValue }, { requiredKeys: ['name'] }) }),
        fc.record({ functionResponse: fc.record({ name: fc.string({ maxLength: 8 }), response: anyValue }, { requiredKeys: ['name'] }) }),
        fc.record({ fileData: fc.record({ fileUri: fc.constantFrom('https://example.com/a.png', 'gs://x', ''), mimeType: fc.constantFrom('image/png', 'application/pdf') }) }),
        anyValue,
      );
  const gemini = fc.record(
    {
      contents: field(fc.array(fc.record({ role: field(valid ? fc.constant('user') : fc.constantFrom('user', 'model', 'function', 'system')), parts: field(fc.array(geminiPart, { minLength: 1, maxLength: 2 })) }, required(['parts'])), { minLength: 1, maxLength: 3 })),
      systemInstruction: field(fc.record({ parts: fc.array(fc.record({ text }), { minLength: 1, maxLength: 1 }) })),
      generationConfig: field(
        fc.record(
          {
            maxOutputTokens: field(fc.integer({ min: 1, max: 64 })),
            temperature: field(fc.double({ min: 0, max: 2, noNaN: true })),
            candidateCount: field(fc.integer({ min: 1, max: 2 })),
            thinkingConfig: field(fc.record({ thinkingBudget: fc.integer({ min: 0, max: 1024 }) })),
            responseMimeType: field(fc.constantFrom('text/plain', 'application/json')),
          },
          { requiredKeys: [] },
        ),
      ),
      tools: valid
        ? fc.array(fc.record({ functionDeclarations: fc.array(fc.record({ name: fc.stringMatching(/^[a-z_]{1,12}$/), parameters: fc.constant({ type: 'OBJECT', properties: { city: { type: 'STRING' } } }) }), { minLength: 1, maxLength: 1 }) }), { maxLength: 1 })
        : mostly(fc.array(fc.oneof(fc.record({ googleSearch: fc.constant({}) }), fc.record({ functionDeclarations: anyValue })), { maxLength: 2 })),
      ...(valid ? {} : { toolConfig: anyValue, cachedContent: anyValue, safetySettings: anyValue }),
    },
    required(['contents']),
  );
  const embeddingModels = valid ? fc.constantFrom(...EMBEDDING_MODELS) : fc.constantFrom(...EMBEDDING_MODELS, 'gpt-5-mini', 'no-such-model', '');
  const embeddings = fc.record(
    {
      model: field(embeddingModels),
      input: field(fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }), fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 4 }))),
      encoding_format: field(fc.constantFrom('float', 'base64')),
      dimensions: field(fc.integer({ min: 64, max: 768 })),
    },
    required(['model', 'input']),
  );
  const moderations = fc.record({ model: field(fc.constantFrom('omni-moderation-latest', 'text-moderation-latest')), input: field(fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 2 }))) }, required(['input']));
  const geminiEmbeddings = fc.record(
    {
      requests: field(
        fc.array(
          fc.record(
            {
              model: field(fc.constant('models/gemini-embedding-001')),
              content: field(fc.record({ parts: field(fc.array(fc.record({ text }), { minLength: 1, maxLength: 2 })) }, required(['parts']))),
              outputDimensionality: field(fc.integer({ min: 128, max: 3_072 })),
              taskType: field(fc.constantFrom('RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT')),
            },
            required(['content']),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      ),
    },
    required(['requests']),
  );
  const speech = fc.record(
    {
      model: field(valid ? fc.constantFrom('tts-1', 'tts-1-hd', 'gpt-4o-mini-tts', 'gemini-2.5-flash-preview-tts') : fc.constantFrom('tts-1', 'gpt-4o-mini-tts', 'gemini-2.5-pro-preview-tts', 'gpt-5-mini', 'whisper-1', 'no-such-model', '')),
      input: field(fc.string({ minLength: 1, maxLength: 60 })),
      voice: field(fc.constantFrom('alloy', 'nova', 'Kore', 'robot')),
      response_format: field(fc.constantFrom('mp3', 'wav', 'pcm', 'opus', 'ogg')),
      speed: field(fc.double({ min: 0.25, max: 4, noNaN: true })),
      ...(valid ? {} : { instructions: anyValue, stream_format: anyValue }),
    },
    required(['model', 'input', 'voice']),
  );
  const images = fc.record(
    {
      model: field(valid ? fc.constantFrom('gpt-image-1', 'gpt-image-1-mini', 'dall-e-3', 'grok-imagine-image', 'gemini-2.5-flash-image') : fc.constantFrom('gpt-image-1', 'dall-e-3', 'gpt-5-mini', 'tts-1', 'no-such-model', '')),
      prompt: field(fc.string({ minLength: 1, maxLength: 60 })),
      n: field(fc.integer({ min: 1, max: valid ? 2 : 12 })),
      size: field(fc.constantFrom('auto', '1024x1024', '1536x1024', '1024x1792', '512x512')),
      quality: field(fc.constantFrom('auto', 'low', 'high', 'standard', 'hd')),
      response_format: field(fc.constantFrom('url', 'b64_json')),
      ...(valid ? {} : { stream: anyValue, style: anyValue, partial_images: anyValue }),
    },
    required(['model', 'prompt']),
  );
  const videos = fc.record(
    {
      model: field(valid ? fc.constantFrom('sora-2', 'sora-2-pro', 'veo-3.1-generate-preview', 'veo-3.1-fast-generate-preview') : fc.constantFrom('sora-2', 'veo-3.1-generate-preview', 'gpt-5-mini', 'gpt-image-1', 'no-such-model', '')),
      prompt: field(fc.string({ minLength: 1, maxLength: 60 })),
      seconds: field(valid ? fc.constantFrom('4', '8', 4, '6') : fc.oneof(fc.constantFrom('0', '-4', '4.5', '99999', 'four'), fc.integer())),
      size: field(fc.constantFrom('720x1280', '1280x720', '1792x1024', '1920x1080', '0x0', 'big')),
      ...(valid ? {} : { input_reference: fc.oneof(anyValue, fc.record({ image_url: fc.constantFrom('data:image/png;base64,iVBORw0KGgo=', 'https://example.com/a.png', 'data:,') }), fc.record({ file_id: fc.string() })) }),
    },
    required(['prompt']),
  );
  return { chat, messages, responses, completions, gemini, embeddings, moderations, geminiEmbeddings, speech, images, videos };
}
const VALID = bodies(true);
const NEAR_VALID = bodies(false);
const bodyOf = (route: Route, kind: ReturnType<typeof bodies>) =>
  route.path.endsWith('EmbedContents') ? kind.geminiEmbeddings : route.path === '/v1/embeddings' ? kind.embeddings : route.path === '/v1/moderations' ? kind.moderations : route.path === '/v1/audio/speech' ? kind.speech : route.path === '/v1/images/generations' ? kind.images : route.path === '/v1/videos' ? kind.videos : route.dialect === 'gemini' ? kind.gemini : route.path.includes('messages') ? kind.messages : route.path.includes('responses') ? kind.responses : route.path === '/v1/completions' ? kind.completions : kind.chat;

/** What goes on the wire: a JSON body (mostly near-valid, sometimes anything), or raw bytes that are not JSON at all. */
const payload = (route: Route) =>
  fc.oneof(
    { weight: 9, arbitrary: bodyOf(route, VALID).map((body) => JSON.stringify(body)) },
    { weight: 4, arbitrary: bodyOf(route, NEAR_VALID).map((body) => JSON.stringify(body)) },
    { weight: 1, arbitrary: anyValue.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{', '{"model":', '[[[[', '{"model":"gpt-5-mini","messages":[{"role":"user","content":"hi"}]', 'nul', '\uFEFF{}')) },
  );

const headerVariants = fc.record({
  contentType: fc.oneof({ weight: 16, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') }, { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', undefined) }),
  auth: fc.oneof({ weight: 16, arbitrary: fc.constantFrom('bearer', 'x-api-key') }, { weight: 1, arbitrary: fc.constantFrom('none', 'wrong', 'malformed') }),
  anthropicVersion: fc.constantFrom('2023-06-01', '2026-10-21', 'nonsense', undefined),
});

describe('fuzzing every route: no answer of the gateway\'s own fault is a 5xx, every refusal is in its surface\'s envelope', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ LOG_LEVEL: 'silent' });
  });
  after(() => stack.close());

  test(`${CASES} generated requests`, { timeout: 900_000 }, async (t) => {
    const agent = new Agent({ connections: IN_FLIGHT, pipelining: 1 });
    const totalWeight = ROUTES.reduce((total, route) => total + route.weight, 0);
    const cases = ROUTES.flatMap((route, index) =>
      fc
        .sample(fc.tuple(payload(route), headerVariants, fc.constantFrom(...(route.models ?? MODELS))), { numRuns: Math.ceil((CASES * route.weight) / totalWeight), seed: 20261130 + index })
        .map(([body, headers, model]) => ({ route, path: route.path.replace('{model}', model), body, headers })),
    );
    stack.simulators.reset();
    const failures: string[] = [];
    const envelopeMisses: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const { route, path, body, headers } = cases[next++]!;
        const requestHeaders: Record<string, string> = {};
        if (headers.contentType && route.method !== 'GET') requestHeaders['content-type'] = headers.contentType;
        if (headers.auth === 'bearer') requestHeaders.authorization = `Bearer ${stack.apiKey}`;
        if (headers.auth === 'x-api-key') requestHeaders['x-api-key'] = stack.apiKey;
        if (headers.auth === 'wrong') requestHeaders.authorization = 'Bearer sy_wrong';
        if (headers.auth === 'malformed') requestHeaders.authorization = 'Basic abc';
        if (headers.anthropicVersion) requestHeaders['anthropic-version'] = headers.anthropicVersion;
        const response = await request(`${stack.gateway.url}${path}`, { method: route.method, headers: requestHeaders, body: route.method === 'GET' ? undefined : body, dispatcher: agent });
        const text = await response.body.text();
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500) {
          if (failures.length < 20) failures.push(`${route.method} ${path} ${response.statusCode}: ${text.slice(0, 300)} <- ${body.slice(0, 300)}`);
          continue;
        }
        if (response.statusCode >= 400 && !hasEnvelope(text, route.dialect) && envelopeMisses.length < 20) envelopeMisses.push(`${path} ${response.statusCode}: ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await agent.close();
    const reached = stack.simulators.requests.length;
    t.diagnostic(`${cases.length} cases; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${reached} reached a simulator (${Math.round((reached / cases.length) * 100)} %)`);
    assert.deepEqual(failures, [], 'no 5xx');
    assert.deepEqual(envelopeMisses, [], 'every 4xx in its surface\'s error envelope');
    assert.ok(cases.length >= CASES);
    assert.ok(reached / cases.length >= 0.3, 'at least 30 % of the cases were valid enough to reach a provider');
  });
});

function hasEnvelope(text: string, dialect: Dialect): boolean {
  try {
    const body = JSON.parse(text) as { type?: string; error?: { message?: unknown; type?: unknown; status?: unknown; code?: unknown } };
    if (typeof body.error?.message !== 'string') return false;
    // Google's google.rpc.Status: `{"error": {"code", "message", "status"}}`.
    if (dialect === 'gemini') return typeof body.error.status === 'string' && typeof body.error.code === 'number';
    return dialect === 'anthropic' ? body.type === 'error' && typeof body.error.type === 'string' : typeof body.error.type === 'string';
  } catch {
    return false;
  }
}
