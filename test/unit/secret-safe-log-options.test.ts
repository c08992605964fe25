import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { SECRET_SAFE_LOG_OPTIONS } from '../../src/core/secret-safe-log-options.ts';

function capture() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info', ...SECRET_SAFE_LOG_OPTIONS }, stream), lines };
}

test('a secret one level down, or in request headers, is censored in the line and left alone in the object logged', () => {
  const { logger, lines } = capture();
  const settings = { apiKey: 'sk-provider-secret', baseUrl: 'https://api.example.com' };
  logger.info({ settings, config: { adminToken: 'admin-secret' }, req: { headers: { authorization: 'Bearer sk-user', 'x-api-key': 'sk-ant' } }, headers: { 'x-api-key': 'sk-other' } }, 'starting');
  const [line] = lines;
  assert.equal(line!.settings.apiKey, '[Redacted]');
  assert.equal(line!.settings.baseUrl, 'https://api.example.com');
  assert.equal(line!.config.adminToken, '[Redacted]');
  assert.equal(line!.req.headers.authorization, '[Redacted]');
  assert.equal(line!.req.headers['x-api-key'], '[Redacted]');
  assert.equal(line!.headers['x-api-key'], '[Redacted]');
  assert.equal(settings.apiKey, 'sk-provider-secret', 'the caller’s object is not changed');
  assert.ok(!JSON.stringify(lines).includes('secret') && !JSON.stringify(lines).includes('sk-'));
});

test('an ordinary line is written as given; an absent secret field is not invented', () => {
  const { logger, lines } = capture();
  logger.info({ model: 'gpt-5-mini', status: 200, usage: { promptTokens: 3 }, settings: { apiKey: undefined, region: 'eu' } }, 'answered');
  assert.deepEqual(lines[0]!.usage, { promptTokens: 3 });
  assert.deepEqual(lines[0]!.settings, { region: 'eu' });
  assert.equal(lines[0]!.msg, 'answered');
});
