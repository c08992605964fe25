import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

/**
 * Every error the gateway answers, as a client sees it: the status, OpenAI's `error` object (what
 * the OpenAI SDKs read) and the hosted service's `detail` beside it, and never a secret.
 */

const MODEL = 'gpt-5-mini';
const HELLO = [{ role: 'user', content: 'Hello' }];

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Every secret the gateway holds; none may ever reach a client. */
function secretsOf(stack: Stack): string[] {
  return [...Object.values(PROVIDER_KEYS), stack.apiKey];
}

function assertNoSecrets(stack: Stack, text: string): void {
  for (const secret of secretsOf(stack)) assert.ok(!text.includes(secret), `a secret leaked to the client: ${text}`);
}

/** Sends one request over HTTP; every answer is checked for its request id and for leaked secrets. */
async function send(
  stack: Stack,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; apiKey?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const apiKey = options.apiKey === undefined ? stack.apiKey : options.apiKey;
  if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  Object.assign(headers, options.headers);
  const response = await fetch(`${stack.gateway.url}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]+$/, `${path} answered without x-request-id`);
  assertNoSecrets(stack, text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** The gateway's error envelope: OpenAI's `error` and the hosted service's `detail`, which agree. */
function assertErrorEnvelope(answer: Answer, expected: { status: number; type: string; code: string; message: string | RegExp; param?: string | null }): void {
  assert.equal(answer.status, expected.status, answer.text);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
  const { error, detail } = answer.body ?? {};
  assert.ok(error && typeof error === 'object', `no error object in ${answer.text}`);
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
  if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
  else assert.match(error.message, expected.message);
  assert.equal(error.type, expected.type);
  assert.equal(error.code, expected.code);
  assert.equal(error.param, expected.param ?? null);
  if (expected.status === 422) {
    assert.ok(Array.isArray(detail), `a 422 detail is FastAPI's issue list: ${answer.text}`);
    for (const issue of detail) {
      assert.deepEqual(Object.keys(issue).sort(), ['loc', 'msg', 'type']);
      assert.equal(issue.loc[0], 'body');
      assert.equal(typeof issue.msg, 'string');
      assert.equal(typeof issue.type, 'string');
    }
  } else {
    assert.deepEqual(detail, { code: expected.status, message: `${expected.type} - ${error.message}` });
  }
}

function chat(stack: Stack, body: Record<string, unknown>, options: { apiKey?: string | null; headers?: Record<string, string> } = {}) {
  return send(stack, '/v1/chat/completions', { body: { model: MODEL, messages: HELLO, ...body }, ...options });
}

function upstreamRequests(stack: Stack, provider: string) {
  return stack.simulators.requests.filter((request) => request.provider === provider);
}

/** What the SDK throws, with the secrets check every answer gets. */
async function sdkError(stack: Stack, call: () => Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`);
    assertNoSecrets(stack, `${error.message} ${JSON.stringify(error.error)}`);
    return error;
  }
  assert.fail('the SDK call should have failed');
}

describe('gateway error envelopes', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  describe('authentication', () => {
    it('answers 401 "Authorization header is not supplied" when no key is sent', async () => {
      assertErrorEnvelope(await chat(stack, {}, { apiKey: null }), {
        status: 401,
        type: 'authentication_error',
        code: 'missing_authorization',
        message: 'Authorization header is not supplied',
      });
    });

    it('matches the hosted service detail for a missing bearer token word for word', async () => {
      const answer = await chat(stack, {}, { apiKey: null, headers: { authorization: 'Basic x' } });
      assert.deepEqual(answer.body.detail, { code: 401, message: 'authentication_error - Bearer token is not supplied' });
    });

    for (const authorization of ['Basic x', 'Bearer ', 'Bearer', 'Token abc']) {
      it(`answers 401 "Bearer token is not supplied" for Authorization: ${JSON.stringify(authorization)}`, async () => {
        assertErrorEnvelope(await chat(stack, {}, { apiKey: null, headers: { authorization } }), {
          status: 401,
          type: 'authentication_error',
          code: 'missing_bearer_token',
          message: 'Bearer token is not supplied',
        });
      });
    }

    it('answers 401 "Invalid API key" for a key it never issued', async () => {
      assertErrorEnvelope(await chat(stack, {}, { apiKey: 'sy_notARealKey0000000000000000000000000000' }), {
        status: 401,
        type: 'authentication_error',
        code: 'invalid_api_key',
        message: 'Invalid API key',
      });
    });

    it('accepts the key in x-api-key, as Anthropic SDKs send it', async () => {
      const answer = await chat(stack, {}, { apiKey: null, headers: { 'x-api-key': stack.apiKey } });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.object, 'chat.completion');
    });

    it('answers 401 "Invalid API key" for a wrong x-api-key', async () => {
      const answer = await chat(stack, {}, { apiKey: null, headers: { 'x-api-key': 'sy_wrong' } });
      assertErrorEnvelope(answer, { status: 401, type: 'authentication_error', code: 'invalid_api_key', message: 'Invalid API key' });
    });

    it('asks for a key on the model list too', async () => {
      const answer = await send(stack, '/v1/models', { apiKey: null });
      assertErrorEnvelope(answer, { status: 401, type: 'authentication_error', code: 'missing_authorization', message: 'Authorization header is not supplied' });
    });

    it('refuses a revoked key on the very next request', async () => {
      const { key, secret } = await stack.gateway.switchyard.accounts.createApiKey('acme', 'to-revoke');
      assert.equal((await send(stack, '/v1/models', { apiKey: secret })).status, 200);
      await stack.gateway.switchyard.accounts.revokeApiKey(key.id);
      const answer = await send(stack, '/v1/models', { apiKey: secret });
      assert.ok(!answer.text.includes(secret));
      assertErrorEnvelope(answer, { status: 401, type: 'authentication_error', code: 'invalid_api_key', message: 'Invalid API key' });
    });

    it('answers health checks without a key', async () => {
      const answer = await send(stack, '/healthz', { apiKey: null });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { status: 'ok' });
    });
  });

  describe('models and routes', () => {
    it('answers 404 "Model \'nope\' not found" for an unknown model, without calling a provider', async () => {
      assertErrorEnvelope(await chat(stack, { model: 'nope' }), {
        status: 404,
        type: 'not_found_error',
        code: 'model_not_found',
        message: "Model 'nope' not found",
        param: 'model',
      });
      assert.equal(stack.simulators.requests.length, 0);
    });

    it('answers 404 for GET /v1/models/{unknown}', async () => {
      assertErrorEnvelope(await send(stack, '/v1/models/nope'), {
        status: 404,
        type: 'not_found_error',
        code: 'model_not_found',
        message: "Model 'nope' not found",
        param: 'model',
      });
    });

    it('answers 404 for an unknown model id containing slashes and encoded characters', async () => {
      const answer = await send(stack, '/v1/gateway/models/accounts/fireworks/models/no%20such/');
      assertErrorEnvelope(answer, { status: 404, type: 'not_found_error', code: 'model_not_found', message: "Model 'accounts/fireworks/models/no such' not found", param: 'model' });
    });

    it('answers 404 naming the provider when a catalog model\'s provider is not configured', async () => {
      const withoutPerplexity = await startStack({ PERPLEXITY_API_KEY: '' });
      try {
        assertErrorEnvelope(await chat(withoutPerplexity, { model: 'sonar-pro' }), {
          status: 404,
          type: 'not_found_error',
          code: 'provider_not_configured',
          message: /Model 'sonar-pro' is not available: its provider 'perplexity' is not configured/,
          param: 'model',
        });
      } finally {
        await withoutPerplexity.close();
      }
    });

    it('answers an unknown route with the 404 envelope, with or without a key', async () => {
      for (const apiKey of [stack.apiKey, null]) {
        assertErrorEnvelope(await send(stack, '/v1/nope?x=1', { apiKey }), {
          status: 404,
          type: 'not_found_error',
          code: 'route_not_found',
          message: 'Route GET /v1/nope not found',
        });
      }
    });

    it('answers a known path with the wrong method with the 404 envelope', async () => {
      assertErrorEnvelope(await send(stack, '/v1/chat/completions'), {
        status: 404,
        type: 'not_found_error',
        code: 'route_not_found',
        message: 'Route GET /v1/chat/completions not found',
      });
    });

    it('answers 400 when the model cannot do what the request asks (tools to a model without tools)', async () => {
      const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
      assertErrorEnvelope(await chat(stack, { model: 'sonar-pro', tools }), {
        status: 400,
        type: 'invalid_request_error',
        code: 'unsupported_capability',
        message: "Model 'sonar-pro' does not support tools",
        param: 'tools',
      });
      assert.equal(stack.simulators.requests.length, 0);
    });
  });

  describe('request bodies', () => {
    it('answers 400 for malformed JSON', async () => {
      assertErrorEnvelope(await send(stack, '/v1/chat/completions', { body: '{"model": "gpt-5-mini", "messages": [' }), {
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_json',
        message: /^Request body is not valid JSON/,
      });
    });

    it('answers 400 for an empty JSON body', async () => {
      assertErrorEnvelope(await send(stack, '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' } }), {
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_json',
        message: 'Request body is not valid JSON: the body is empty',
      });
    });

    it('answers 415 naming the content type for a text/plain body', async () => {
      const body = JSON.stringify({ model: MODEL, messages: HELLO });
      assertErrorEnvelope(await send(stack, '/v1/chat/completions', { body, headers: { 'content-type': 'text/plain' } }), {
        status: 415,
        type: 'invalid_request_error',
        code: 'unsupported_media_type',
        message: "Content-Type 'text/plain' is not supported; send application/json",
      });
      assert.equal(stack.simulators.requests.length, 0);
    });

    it('answers 415 naming the content type for a form body', async () => {
      const answer = await send(stack, '/v1/chat/completions', { body: 'model=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assertErrorEnvelope(answer, {
        status: 415,
        type: 'invalid_request_error',
        code: 'unsupported_media_type',
        message: "Content-Type 'application/x-www-form-urlencoded' is not supported; send application/json",
      });
    });

    const validationCases: { name: string; body: Record<string, unknown>; loc: (string | number)[]; type: string; param: string }[] = [
      { name: 'messages is missing', body: { model: MODEL }, loc: ['body', 'messages'], type: 'missing', param: 'messages' },
      { name: 'messages is not an array', body: { model: MODEL, messages: 'Hello' }, loc: ['body', 'messages'], type: 'type', param: 'messages' },
      { name: 'messages is empty', body: { model: MODEL, messages: [] }, loc: ['body', 'messages'], type: 'minItems', param: 'messages' },
      {
        name: 'a message has the unknown role "wizard"',
        body: { model: MODEL, messages: [{ role: 'wizard', content: 'Hi' }] },
        loc: ['body', 'messages', 0, 'role'],
        type: 'enum',
        param: 'messages.0.role',
      },
      { name: 'temperature is the string "0.5"', body: { model: MODEL, messages: HELLO, temperature: '0.5' }, loc: ['body', 'temperature'], type: 'type', param: 'temperature' },
      { name: 'max_tokens is 0', body: { model: MODEL, messages: HELLO, max_tokens: 0 }, loc: ['body', 'max_tokens'], type: 'minimum', param: 'max_tokens' },
      { name: 'model is missing', body: { messages: HELLO }, loc: ['body', 'model'], type: 'missing', param: 'model' },
      {
        name: 'a user message has no content',
        body: { model: MODEL, messages: [{ role: 'user' }] },
        loc: ['body', 'messages', 0, 'content'],
        type: 'missing',
        param: 'messages.0.content',
      },
    ];
    for (const validationCase of validationCases) {
      it(`answers 422 with loc ${JSON.stringify(validationCase.loc)} when ${validationCase.name}`, async () => {
        const answer = await send(stack, '/v1/chat/completions', { body: validationCase.body });
        assertErrorEnvelope(answer, {
          status: 422,
          type: 'invalid_request_error',
          code: 'validation_error',
          message: new RegExp(`^${validationCase.loc.join('\\.')}: `),
          param: validationCase.param,
        });
        assert.deepEqual(answer.body.detail.length, 1, answer.text);
        assert.deepEqual(answer.body.detail[0].loc, validationCase.loc);
        assert.equal(answer.body.detail[0].type, validationCase.type);
        assert.equal(stack.simulators.requests.length, 0);
      });
    }

    it('reports every problem of a request at once, one issue each', async () => {
      const answer = await send(stack, '/v1/chat/completions', { body: { model: MODEL, messages: [{ role: 'wizard', content: 'Hi' }], temperature: '0.5', max_tokens: 0 } });
      assert.equal(answer.status, 422);
      assert.deepEqual(
        answer.body.detail.map((issue: { loc: unknown[] }) => issue.loc).sort(),
        [['body', 'max_tokens'], ['body', 'messages', 0, 'role'], ['body', 'temperature']].sort(),
      );
    });
  });

  describe('errors seen through the official OpenAI SDK', () => {
    it('throws an AuthenticationError (401) whose message carries the gateway message', async () => {
      const error = await sdkError(stack, () => stack.client('/v1', 'sy_wrong').chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }));
      assert.ok(error instanceof OpenAI.AuthenticationError);
      assert.equal(error.status, 401);
      assert.match(error.message, /Invalid API key/);
      assert.equal(error.code, 'invalid_api_key');
      assert.match(error.requestID ?? '', /^req_/);
    });

    it('throws a NotFoundError (404) naming the model', async () => {
      const error = await sdkError(stack, () => stack.client('/v1/gateway').chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'Hi' }] }));
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.equal(error.status, 404);
      assert.match(error.message, /Model 'nope' not found/);
      assert.equal(error.param, 'model');
    });

    it('throws a NotFoundError (404) from models.retrieve of an unknown model', async () => {
      const error = await sdkError(stack, () => stack.client().models.retrieve('nope'));
      assert.equal(error.status, 404);
      assert.match(error.message, /Model 'nope' not found/);
    });

    it('throws an UnprocessableEntityError (422) whose message names the field', async () => {
      const error = await sdkError(stack, () =>
        stack.client('/v1/api/openai').chat.completions.create({ model: MODEL, messages: [{ role: 'wizard' as 'user', content: 'Hi' }] }),
      );
      assert.ok(error instanceof OpenAI.UnprocessableEntityError);
      assert.equal(error.status, 422);
      assert.match(error.message, /messages\.0\.role/);
    });
  });

  describe('upstream failures', () => {
    const providerFailure = (message: string, type = 'server_error') => ({ error: { message, type, param: null, code: null } });

    it('retries a provider 500 once and answers 200 (the provider saw two requests)', async () => {
      stack.simulators.addFault({ provider: 'openai', status: 500, times: 1, body: providerFailure('The server had an error while processing your request.') });
      const completion = await stack.client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(completion.object, 'chat.completion');
      assert.equal(upstreamRequests(stack, 'openai').length, 2);
    });

    it('answers 502 with the provider message when the provider keeps failing, after the configured retries', async () => {
      stack.simulators.addFault({ provider: 'openai', status: 500, times: 100, body: providerFailure('The server had an error while processing your request.') });
      const answer = await chat(stack, {});
      assertErrorEnvelope(answer, {
        status: 502,
        type: 'upstream_error',
        code: 'upstream_error',
        message: "Provider 'openai' failed (HTTP 500): The server had an error while processing your request.",
      });
      assert.equal(upstreamRequests(stack, 'openai').length, 1 + stack.gateway.switchyard.config.maxRetries);
    });

    it('answers 502 without the provider key or the caller key when the provider refuses the gateway credentials', async () => {
      stack.simulators.addFault({
        provider: 'openai',
        status: 401,
        times: 2,
        body: providerFailure(`Incorrect API key provided: ${PROVIDER_KEYS.openai}. Caller ${stack.apiKey}`, 'invalid_request_error'),
      });
      const answer = await chat(stack, {});
      assertErrorEnvelope(answer, {
        status: 502,
        type: 'upstream_error',
        code: 'upstream_authentication_failed',
        message: /^Provider 'openai' rejected the gateway's credentials/,
      });
      assert.equal(upstreamRequests(stack, 'openai').length, 1, 'bad credentials are not retried');
      const error = await sdkError(stack, () => stack.client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }));
      assert.equal(error.status, 502);
    });

    it('answers 429 with the provider Retry-After when the provider rate limits for longer than the gateway waits', async () => {
      stack.simulators.addFault({
        provider: 'xai',
        status: 429,
        headers: { 'retry-after': '30' },
        body: { code: 'Too many requests', error: 'Your team has exceeded its requests per second.' },
      });
      const answer = await chat(stack, { model: 'grok-4' });
      assertErrorEnvelope(answer, {
        status: 429,
        type: 'rate_limit_error',
        code: 'upstream_rate_limited',
        message: "Provider 'xai' is rate limiting the gateway: Your team has exceeded its requests per second.",
      });
      assert.equal(answer.headers.get('retry-after'), '30');
      assert.equal(upstreamRequests(stack, 'xai').length, 1);
    });

    it('waits out a short Retry-After and answers 200', async () => {
      stack.simulators.addFault({ provider: 'xai', status: 429, times: 1, headers: { 'retry-after': '0' } });
      const answer = await chat(stack, { model: 'grok-4' });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(upstreamRequests(stack, 'xai').length, 2);
    });

    it('answers 400 with the provider message and param when the provider rejects the request, without retrying', async () => {
      stack.simulators.addFault({
        provider: 'fireworks',
        status: 400,
        body: { error: { message: 'The prompt is too long: 300000 tokens, maximum 131072.', type: 'invalid_request_error', param: 'messages', code: null } },
      });
      const answer = await chat(stack, { model: 'accounts/fireworks/models/gpt-oss-120b' });
      assertErrorEnvelope(answer, {
        status: 400,
        type: 'invalid_request_error',
        code: 'upstream_invalid_request',
        message: "Provider 'fireworks' rejected the request: The prompt is too long: 300000 tokens, maximum 131072.",
        param: 'messages',
      });
      assert.equal(upstreamRequests(stack, 'fireworks').length, 1);
    });

    it('scrubs provider keys that a provider echoes in a rejected request', async () => {
      stack.simulators.addFault({ provider: 'perplexity', status: 400, body: providerFailure(`bad request from ${PROVIDER_KEYS.perplexity}`, 'invalid_request_error') });
      const answer = await chat(stack, { model: 'sonar-pro' });
      assert.equal(answer.status, 400);
      assert.match(answer.body.error.message, /bad request from \[redacted\]/);
    });

    for (const breakMode of ['disconnect', 'error-event'] as const) {
      it(`ends a stream that fails mid-way (${breakMode}) with an SSE error event and no [DONE]`, async () => {
        stack.simulators.addFault({ provider: 'openai', afterChunks: 2, breakMode });
        const answer = await chat(stack, { stream: true });
        assert.equal(answer.status, 200, 'the headers were already sent');
        assert.match(answer.headers.get('content-type') ?? '', /^text\/event-stream/);
        const events = answer.text.split('\n\n').filter((event) => event.trim() !== '');
        assert.ok(events.length >= 2, answer.text);
        const last = events.at(-1)!;
        assert.match(last, /^data: /);
        const payload = JSON.parse(last.slice('data: '.length));
        assert.deepEqual(Object.keys(payload), ['error']);
        assert.equal(payload.error.type, 'upstream_error');
        assert.equal(payload.error.code, 'upstream_stream_interrupted');
        assert.match(payload.error.message, /^Provider 'openai' stream ended abnormally/);
        assert.ok(!answer.text.includes('[DONE]'));
        for (const event of events.slice(0, -1)) assert.ok(!('error' in JSON.parse(event.slice('data: '.length))), event);
        assert.equal(upstreamRequests(stack, 'openai').length, 1, 'a stream that reached the client is never sent again');
      });

      it(`makes the SDK stream iteration throw when the stream fails mid-way (${breakMode})`, async () => {
        stack.simulators.addFault({ provider: 'openai', afterChunks: 2, breakMode });
        const stream = await stack.client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Tell me a long story' }], stream: true });
        let chunks = 0;
        const error = await sdkError(stack, async () => {
          for await (const _chunk of stream) chunks += 1;
        });
        assert.ok(chunks >= 1, 'the chunks before the failure reached the client');
        assert.match(error.message, /stream ended abnormally/);
      });
    }

    it('answers a stream request whose provider fails before the first byte with an ordinary HTTP error, not 200', async () => {
      stack.simulators.addFault({ provider: 'openai', status: 500, times: 100, body: providerFailure('Overloaded') });
      const answer = await chat(stack, { stream: true });
      assertErrorEnvelope(answer, { status: 502, type: 'upstream_error', code: 'upstream_error', message: "Provider 'openai' failed (HTTP 500): Overloaded" });
      const error = await sdkError(stack, () => stack.client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true }));
      assert.equal(error.status, 502);
    });

    it('answers an ordinary HTTP error when the provider stream keeps breaking before its first chunk', async () => {
      stack.simulators.addFault({ provider: 'openai', afterChunks: 0, breakMode: 'disconnect', times: 100 });
      const answer = await chat(stack, { stream: true });
      assert.notEqual(answer.status, 200, answer.text);
      assertErrorEnvelope(answer, { status: 502, type: 'upstream_error', code: 'upstream_stream_interrupted', message: /^Provider 'openai' stream ended abnormally/ });
    });

    it('retries a stream that broke before its first chunk (nothing reached the client), and streams the answer', async () => {
      stack.simulators.addFault({ provider: 'openai', afterChunks: 0, breakMode: 'disconnect', times: 1 });
      const answer = await chat(stack, { stream: true });
      assert.equal(answer.status, 200, answer.text);
      assert.match(answer.text, /"finish_reason":"stop"/);
      assert.equal(upstreamRequests(stack, 'openai').length, 2);
    });

    it('retries a stream request whose provider failed before the first byte, and streams the answer', async () => {
      stack.simulators.addFault({ provider: 'openai', status: 503, times: 1, body: providerFailure('Overloaded') });
      const stream = await stack.client().chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true });
      let content = '';
      for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? '';
      assert.ok(content.length > 0);
      assert.equal(upstreamRequests(stack, 'openai').length, 2);
    });
  });
});

describe('gateway error envelopes under tight limits', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ SWITCHYARD_BODY_LIMIT_BYTES: '2048', SWITCHYARD_UPSTREAM_TIMEOUT_MS: '300', SWITCHYARD_MAX_RETRIES: '0' });
  });
  after(() => stack.close());
  beforeEach(() => stack.simulators.reset());

  it('answers 413 naming the limit for a body over SWITCHYARD_BODY_LIMIT_BYTES', async () => {
    const answer = await chat(stack, { messages: [{ role: 'user', content: 'x'.repeat(4096) }] });
    assertErrorEnvelope(answer, {
      status: 413,
      type: 'invalid_request_error',
      code: 'request_too_large',
      message: "Request body is larger than the gateway's limit of 2048 bytes",
    });
    assert.equal(stack.simulators.requests.length, 0);
  });

  it('accepts a body under the limit', async () => {
    assert.equal((await chat(stack, {})).status, 200);
  });

  it('answers 504 when the provider sends no headers within the upstream timeout', async () => {
    stack.simulators.addFault({ provider: 'openai', firstByteDelayMs: 5_000 });
    assertErrorEnvelope(await chat(stack, {}), { status: 504, type: 'upstream_error', code: 'upstream_timeout', message: "Provider 'openai' did not answer in time" });
  });
});

describe('gateway error envelopes with an unreachable provider', () => {
  let stack: Stack;
  let unreachableUrl: string;
  before(async () => {
    // A port that was just free: nothing listens there, so connections are refused.
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    unreachableUrl = `http://127.0.0.1:${address.port}/v1`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    stack = await startStack({ OPENAI_BASE_URL: unreachableUrl, SWITCHYARD_MAX_RETRIES: '1' });
  });
  after(() => stack.close());

  it('answers 502 "could not be reached" when the provider refuses connections', async () => {
    assertErrorEnvelope(await chat(stack, {}), {
      status: 502,
      type: 'upstream_error',
      code: 'upstream_unavailable',
      message: /^Provider 'openai' could not be reached: /,
    });
  });
});
