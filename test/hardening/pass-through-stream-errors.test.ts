import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startStack, type Stack } from '../support/start-stack.ts';

/**
 * A passed-through stream that breaks midway ends with the surface's `error` event, not a cut
 * connection; an `error` event from the provider is recorded as the error it is, not as a 200.
 */
describe('passed-through streams that fail midway', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());


  test('Messages → Claude, connection lost midway: the events so far, then an Anthropic error event the SDK raises; recorded as a 502', async () => {
    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 4, breakMode: 'disconnect' });
    const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    const { data: stream, response } = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'Count to twenty.' }] }).withResponse();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of stream) seen.push(event.type);
      })(),
      (error: unknown) => error instanceof Anthropic.APIError && /ended abnormally/.test(error.message),
    );
    assert.equal(seen[0], 'message_start', 'the events before the break reached the client');
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.status, 502);
    assert.equal(record.errorCode, 'upstream_stream_interrupted');
    assert.ok((record.completionTokens ?? 0) >= 0 && record.cost > 0, 'billed for what was relayed');
  });

  test("Messages → Claude, the provider's own error event: relayed, and recorded as that error, not as a 200", async () => {
    stack.simulators.addFault({ provider: 'anthropic', afterChunks: 3, breakMode: 'error-event' });
    const client = new Anthropic({ baseURL: stack.gateway.url, apiKey: stack.apiKey, maxRetries: 0 });
    const { data: stream, response } = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'Count to twenty.' }] }).withResponse();
    await assert.rejects(async () => {
      for await (const _event of stream) {
        // drain
      }
    }, Anthropic.APIError);
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.notEqual(record.status, 200);
    assert.ok(record.status >= 500);
    assert.ok(record.errorCode && record.errorCode !== 'upstream_stream_interrupted', `the provider's error: ${record.errorCode}`);
  });

  test('Responses → OpenAI, connection lost midway: an error event the OpenAI SDK raises; recorded as a 502', async () => {
    stack.simulators.addFault({ provider: 'openai', afterChunks: 4, breakMode: 'disconnect' });
    const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: stack.apiKey, maxRetries: 0 });
    const { data: stream, response } = await client.responses.create({ model: 'gpt-5-mini', input: 'Count to twenty.', stream: true }).withResponse();
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const event of stream) seen.push(event.type);
      })(),
      (error: unknown) => error instanceof OpenAI.APIError && /ended abnormally/.test(error.message),
    );
    assert.equal(seen[0], 'response.created');
    const record = await stack.usageRecordOf(response.headers.get('x-request-id')!);
    assert.equal(record.status, 502);
    assert.equal(record.errorCode, 'upstream_stream_interrupted');
  });
});
