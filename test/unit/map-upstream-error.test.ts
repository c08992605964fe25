import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapUpstreamError, scrubSecrets } from '../../src/providers/map-upstream-error.ts';

const PROVIDER_KEY = 'sk-provider-secret-0123456789abcdef';

function map(status: number, message: string | undefined, extra: { param?: string; retryAfter?: string; rawBody?: string } = {}) {
  return mapUpstreamError({
    provider: 'openai',
    status,
    message,
    param: extra.param,
    rawBody: extra.rawBody ?? JSON.stringify({ error: { message } }),
    retryAfter: extra.retryAfter,
    secrets: [PROVIDER_KEY],
  });
}

describe('mapUpstreamError', () => {
  it('passes a 400 on with the provider message and param: the request was at fault', () => {
    const error = map(400, "Unsupported value: 'temperature'", { param: 'temperature' });
    assert.equal(error.status, 400);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'upstream_invalid_request');
    assert.equal(error.param, 'temperature');
    assert.equal(error.retryable, false);
    assert.match(error.message, /Unsupported value: 'temperature'/);
    assert.match(error.message, /openai/);
  });

  it('maps other request faults (422, 409) to 400', () => {
    assert.equal(map(422, 'bad').status, 400);
    assert.equal(map(409, 'conflict').status, 400);
  });

  it('keeps 413 as 413', () => {
    assert.equal(map(413, 'too large').status, 413);
  });

  it('maps 401 and 403 to 502: the gateway credentials are at fault, not the caller', () => {
    for (const status of [401, 403]) {
      const error = map(status, `Incorrect API key provided: ${PROVIDER_KEY}`);
      assert.equal(error.status, 502);
      assert.equal(error.code, 'upstream_authentication_failed');
      assert.equal(error.retryable, false);
      assert.doesNotMatch(error.message, /Incorrect API key/);
      assert.ok(!error.message.includes(PROVIDER_KEY));
    }
  });

  it('maps 429 to a retryable 429 that carries Retry-After', () => {
    const error = map(429, 'Rate limit reached', { retryAfter: '7' });
    assert.equal(error.status, 429);
    assert.equal(error.type, 'rate_limit_error');
    assert.equal(error.retryable, true);
    assert.deepEqual(error.headers, { 'retry-after': '7' });
    assert.match(error.message, /Rate limit reached/);
  });

  it('sets no Retry-After header when the provider sent none', () => {
    assert.equal(map(429, 'slow down').headers, undefined);
  });

  it('maps 5xx to a retryable 502 that keeps the provider message', () => {
    for (const status of [500, 502, 503, 529]) {
      const error = map(status, 'The server had an error');
      assert.equal(error.status, 502);
      assert.equal(error.type, 'upstream_error');
      assert.equal(error.retryable, true);
      assert.match(error.message, new RegExp(`HTTP ${status}`));
      assert.match(error.message, /The server had an error/);
    }
  });

  it('maps 408 to a retryable 502 and 404 to a final 502', () => {
    assert.equal(map(408, 'timeout').status, 502);
    assert.equal(map(408, 'timeout').retryable, true);
    assert.equal(map(404, 'no such route').status, 502);
    assert.equal(map(404, 'no such route').retryable, false);
  });

  it('says HTTP <status> when the provider gave no message', () => {
    assert.match(map(500, undefined).message, /HTTP 500/);
  });

  it('scrubs the provider key from the message the client sees and from the body kept for logs', () => {
    const error = map(400, `invalid request for key ${PROVIDER_KEY}`, { rawBody: `{"error":"${PROVIDER_KEY}"}` });
    assert.ok(!error.message.includes(PROVIDER_KEY));
    assert.match(error.message, /\[redacted\]/);
    assert.ok(!error.upstream?.body?.includes(PROVIDER_KEY));
  });

  it('keeps the provider status and name for logs', () => {
    assert.deepEqual(map(503, 'down', { rawBody: 'down' }).upstream, { provider: 'openai', status: 503, body: 'down' });
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence of each secret', () => {
    assert.equal(scrubSecrets('a SECRETVALUE b SECRETVALUE', ['SECRETVALUE']), 'a [redacted] b [redacted]');
  });

  it('redacts key-shaped strings of every provider and of the gateway even when not listed', () => {
    const keys = ['sk-proj-abcdefgh12345678', 'xai-abcdefgh12345678', 'fw_abcdefgh12345678', 'pplx-abcdefgh12345678', 'sy_AbCdEf-_12345678'];
    for (const key of keys) assert.equal(scrubSecrets(`key ${key} was refused`, []), 'key [redacted] was refused', key);
  });

  it('leaves ordinary text alone and ignores empty or missing secrets', () => {
    assert.equal(scrubSecrets('max_tokens is too large', ['', undefined, 'ab']), 'max_tokens is too large');
  });
});
