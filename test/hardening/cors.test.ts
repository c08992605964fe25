import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../support/start-stack.ts';

const ORIGIN = 'https://app.example.com';

const preflight = (url: string, origin: string) =>
  fetch(`${url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

describe('CORS: off by default, configured origins only', () => {
  let open: Stack;
  let closed: Stack;
  before(async () => {
    open = await startStack({ SWITCHYARD_CORS_ORIGINS: ORIGIN });
    closed = await startStack();
  });
  after(async () => {
    await open.close();
    await closed.close();
  });

  test('a configured origin gets its preflight answered without a key, and the answer\'s headers exposed', async () => {
    const answer = await preflight(open.gateway.url, ORIGIN);
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(answer.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const response = await fetch(`${open.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: ORIGIN, authorization: `Bearer ${open.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /x-switchyard-credits-used/);
  });

  test('another origin, or a gateway without CORS settings, gets no CORS headers', async () => {
    assert.equal((await preflight(open.gateway.url, 'https://evil.example.com')).headers.get('access-control-allow-origin'), null);
    const answer = await preflight(closed.gateway.url, ORIGIN);
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
    assert.ok(answer.status >= 400);
  });
});
