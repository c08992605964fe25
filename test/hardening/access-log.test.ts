import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { startStack, type Stack } from '../support/start-stack.ts';

interface AccessLine {
  msg: string;
  reqId: string;
  status: number;
  code?: string;
  surface?: string;
  model?: string;
  keyId?: string;
  route?: string;
  path?: string;
  durationMs: number;
  organization?: string;
  provider?: string;
  cost?: number;
  streamed?: boolean;
}

/** Every answer leaves an access line: once 401, 404, 422 and unknown routes left none, and other 4xx lines had no error code. */
describe('an access log line for every answer', () => {
  let stack: Stack;
  const lines: AccessLine[] = [];
  /** Every line of every message, to count a request's lines. */
  const all: AccessLine[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          const parsed = JSON.parse(line) as AccessLine;
          all.push(parsed);
          if (parsed.msg === 'answered') lines.push(parsed);
        }
        done();
      },
    });
    stack = await startStack({}, { logger: pino({ level: 'info' }, sink) });
  });
  after(() => stack.close());

  async function lineOf(response: Response): Promise<AccessLine> {
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id');
    // The line is written once the answer has gone out, which may be a moment after the client has it: waited for, generously
    // (fifty 10 ms polls, about half a second, were too few on a loaded machine).
    for (const by = Date.now() + 10_000; Date.now() < by; ) {
      const line = lines.find((candidate) => candidate.reqId === requestId);
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no access line for ${requestId}`);
  }

  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${stack.apiKey}` }) =>
    fetch(`${stack.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('refusals before any route, validation errors, unknown models and paths, and answers, each with status, code, surface, model, key id and duration', async () => {
    const keyId = (await stack.gateway.switchyard.keyCache.authenticate(stack.apiKey))!.id;

    const unauthenticated = await lineOf(await post('/v1/chat/completions', { model: 'gpt-5-mini', messages: [] }, { authorization: 'Bearer sy_not_a_key' }));
    assert.deepEqual([unauthenticated.status, unauthenticated.code, unauthenticated.keyId], [401, 'invalid_api_key', undefined]);

    const invalid = await lineOf(await post('/v1/chat/completions', { model: 'gpt-5-mini', messages: 'hi' }));
    assert.deepEqual([invalid.status, invalid.code, invalid.surface, invalid.model, invalid.keyId], [422, 'validation_error', 'openai-chat', 'gpt-5-mini', keyId]);

    const anthropicInvalid = await lineOf(await post('/v1/messages', { model: 'gpt-5-mini', messages: [] }, { 'x-api-key': stack.apiKey, 'anthropic-version': '2023-06-01' }));
    assert.deepEqual([anthropicInvalid.status, anthropicInvalid.code, anthropicInvalid.surface], [400, 'validation_error', 'anthropic-messages']);

    const unknownModel = await lineOf(await post('/v1/chat/completions', { model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }));
    assert.deepEqual([unknownModel.status, unknownModel.code, unknownModel.model], [404, 'model_not_found', 'no-such-model']);

    const unknownRoute = await lineOf(await fetch(`${stack.gateway.url}/v1/nowhere`, { headers: { authorization: `Bearer ${stack.apiKey}` } }));
    assert.deepEqual([unknownRoute.status, unknownRoute.path, unknownRoute.route], [404, '/v1/nowhere', undefined]);
    assert.ok(unknownRoute.code);

    const answered = await lineOf(await post('/v1/chat/completions', { model: 'gpt-5-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    assert.deepEqual([answered.status, answered.code, answered.surface, answered.model, answered.keyId, answered.route], [200, undefined, 'openai-chat', 'gpt-5-mini', keyId, '/v1/chat/completions']);
    assert.ok(answered.durationMs >= 0);
    // The metering facts ride on the same line: one line per model request.
    assert.deepEqual([answered.organization, answered.provider, answered.streamed, typeof answered.cost], ['acme', 'openai', true, 'number']);
    assert.ok(answered.cost! > 0);
    assert.deepEqual(all.filter((line) => line.reqId === answered.reqId).map((line) => line.msg), ['answered']);
  });
});
