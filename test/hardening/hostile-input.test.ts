import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startStack, type Stack } from '../support/start-stack.ts';

/** JSON nested thousands of levels deep, in a few kilobytes: once a 500 (a stack overflow) on every model route. */
function deeplyNested(levels: number): string {
  return `{"model":"gpt-5-mini","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"metadata":${'['.repeat(levels)}${']'.repeat(levels)}}`;
}

describe('hostile JSON gets a 400 in the surface\'s envelope', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  const routes = [
    { path: '/v1/chat/completions', anthropic: false },
    { path: '/v1/api/openai/chat/completions', anthropic: false },
    { path: '/v1/responses', anthropic: false },
    { path: '/v1/messages', anthropic: true },
    { path: '/v1/messages/count_tokens', anthropic: true },
  ];
  for (const { path, anthropic } of routes) {
    test(`${path}: 4,150 levels of nesting (8 KB) is a 400 json_too_deep, never a 500`, async () => {
      const body = deeplyNested(4_150);
      assert.ok(body.length < 9_000);
      const response = await fetch(`${stack.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` }, body });
      assert.equal(response.status, 400);
      const answer = (await response.json()) as { type?: string; error: { type: string; message: string; code?: string } };
      if (anthropic) {
        assert.equal(answer.type, 'error');
        assert.equal(answer.error.type, 'invalid_request_error');
      } else {
        assert.equal(answer.error.code, 'json_too_deep');
      }
      assert.match(answer.error.message, /deeper than 128 levels/);
    });
  }

  test('nesting within the limit is served as before', async () => {
    stack.simulators.reset();
    const body = JSON.parse(deeplyNested(100).replace('"metadata":', '"user":"u","metadata_unused":')) as Record<string, unknown>;
    delete body.metadata_unused;
    const tool = { type: 'function', function: { name: 'deep', parameters: nestedSchema(60) } };
    const response = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.apiKey}` },
      body: JSON.stringify({ ...body, tools: [tool] }),
    });
    assert.equal(response.status, 200);
  });
});

/** A JSON schema of `levels` nested objects: deep, as generated tool schemas can be. */
function nestedSchema(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < levels; level += 1) schema = { type: 'object', properties: { inner: schema } };
  return schema;
}

describe('requests that never reach a route get the error envelope, without an echo of their path', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  test('a path parameter over the limit is a 414 uri_too_long that does not repeat the path', async () => {
    const marker = 'x'.repeat(2_000);
    const response = await fetch(`${stack.gateway.url}/v1/responses/${marker}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    assert.equal(response.status, 414);
    const text = await response.text();
    assert.ok(!text.includes('xxxxxxxxxx'), 'the path is not echoed');
    assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, 'uri_too_long');
  });

  test('headers over the limit are a 431 in the envelope', async () => {
    const response = await rawRequest(stack.gateway.url, `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(response, /^HTTP\/1\.1 431 /);
    assert.match(response, /"code":"headers_too_large"/);
    assert.match(response, /"detail":/);
  });

  test('an unparsable request is a 400 malformed_request in the envelope, and the connection is closed', async () => {
    for (const raw of ['GARBAGE\r\n\r\n', 'GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n']) {
      const response = await rawRequest(stack.gateway.url, raw);
      assert.match(response, /^HTTP\/1\.1 400 /, raw);
      assert.match(response, /"code":"malformed_request"/);
      assert.match(response, /Connection: close/i);
    }
  });
});

/** Sends raw bytes and reads until the gateway closes the connection. */
function rawRequest(url: string, raw: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(raw));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
  });
}

