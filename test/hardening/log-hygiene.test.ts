import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { rejection } from '../support/rejection.ts';
import { PROVIDER_KEYS, startStack, type Stack } from '../support/start-stack.ts';

const PROMPT_MARKER = 'PROMPT-TEXT-7f3a9c';

/** No prompt text in the logs: once a provider error that quoted the prompt was logged whole. */
describe('log lines carry no prompt text and no secret', () => {
  let stack: Stack;
  const lines: string[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    stack = await startStack({}, { logger: pino({ level: 'trace' }, sink) });
  });
  after(() => stack.close());

  test('provider refusals and failures that quote the prompt are logged without it', async () => {
    const quoting = { error: { message: `Invalid content: '${PROMPT_MARKER}' is not allowed`, type: 'invalid_request_error', param: 'messages', code: null } };
    stack.simulators.addFault({ provider: 'openai', status: 400, body: quoting });
    const refused = await rejection(stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: PROMPT_MARKER }] }));
    assert.equal(refused.status, 400);
    assert.match(refused.message, new RegExp(PROMPT_MARKER), 'the client still sees the provider message');
    stack.simulators.addFault({ provider: 'openai', status: 500, body: quoting, times: 3 });
    const failed = await rejection(stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: PROMPT_MARKER }] }));
    assert.equal(failed.status, 502);
    await stack.client().chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: PROMPT_MARKER }] });
    await stack.gateway.switchyard.usage.flush();
    assert.ok(lines.length > 3, 'the requests were logged');
    const leaking = lines.filter((line) => line.includes(PROMPT_MARKER));
    assert.deepEqual(leaking, []);
    for (const secret of [stack.apiKey, ...Object.values(PROVIDER_KEYS)]) assert.ok(!lines.some((line) => line.includes(secret)), 'no key in the logs');
  });
});
