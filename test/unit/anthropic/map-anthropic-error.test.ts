import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { mapAnthropicError } from '../../../src/providers/anthropic/map-anthropic-error.ts';
import { readAnthropicError } from '../../../src/providers/anthropic/read-anthropic-error.ts';

const KEY = 'sk-ant-test-provider-key-444444444444';

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');
}

describe('Anthropic errors', () => {
  test('readAnthropicError reads type, message, request id and the field a validation message names', () => {
    assert.deepEqual(readAnthropicError(JSON.parse(fixture('invalid-request-error.json'))), {
      type: 'invalid_request_error',
      message: 'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01EgkyMSUE7kWq9aPLHycqgz. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
      param: 'messages.1',
      requestId: 'req_011CSVr7aBmVBX3fycHTLhQf',
    });
    assert.equal(readAnthropicError({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } }).param, 'max_tokens');
    assert.equal(readAnthropicError({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }).param, null);
    assert.deepEqual(readAnthropicError('<html>'), { param: null });
  });

  test('529 overloaded_error is a retryable 503 that keeps retry-after', () => {
    const error = mapAnthropicError({ provider: 'anthropic', status: 529, rawBody: fixture('overloaded-error.json'), retryAfter: '2', secrets: [KEY] });
    assert.equal(error.status, 503);
    assert.equal(error.code, 'upstream_overloaded');
    assert.equal(error.retryable, true);
    assert.deepEqual(error.headers, { 'retry-after': '2' });
  });

  test("a 400 reaches the client with Anthropic's message and the field it names", () => {
    const error = mapAnthropicError({ provider: 'anthropic', status: 400, rawBody: fixture('invalid-request-error.json'), secrets: [KEY] });
    assert.equal(error.status, 400);
    assert.equal(error.code, 'upstream_invalid_request');
    assert.equal(error.param, 'messages.1');
    assert.match(error.message, /`tool_use` ids were found without `tool_result` blocks/);
    assert.equal(error.retryable, false);
  });

  test("the gateway's rejected key is a 502 that never repeats Anthropic's text", () => {
    const body = JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } });
    const error = mapAnthropicError({ provider: 'anthropic', status: 401, rawBody: body, secrets: [KEY] });
    assert.equal(error.status, 502);
    assert.equal(error.code, 'upstream_authentication_failed');
    assert.doesNotMatch(error.message, /sk-ant/);
  });

  test('a stream error event takes the status its type stands for', () => {
    const rateLimited = mapAnthropicError({ provider: 'anthropic', rawBody: '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}', secrets: [] });
    assert.equal(rateLimited.status, 429);
    assert.equal(rateLimited.retryable, true);
    const apiError = mapAnthropicError({ provider: 'anthropic', rawBody: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}', secrets: [] });
    assert.equal(apiError.status, 502);
    assert.equal(apiError.retryable, true);
    const overloaded = mapAnthropicError({ provider: 'anthropic', rawBody: '{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}', secrets: [] });
    assert.equal(overloaded.code, 'upstream_overloaded');
  });
});
