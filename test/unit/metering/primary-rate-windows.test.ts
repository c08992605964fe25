import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { PrimaryLink } from '../../../src/core/primary-link.ts';
import { PrimaryRateWindows } from '../../../src/metering/primary-rate-windows.ts';
import { RateWindows, type RateSubject } from '../../../src/metering/rate-windows.ts';

/** A primary in this process: its RateWindows answer the worker's messages, as serve-cluster.ts does. */
function primaryOf(windows: RateWindows, sent: string[], answers = true): PrimaryLink {
  return {
    ask: async (kind: string, payload: unknown) => {
      sent.push(kind);
      if (!answers) throw new Error('the primary process did not answer rates.check within 5000 ms');
      return windows.check(payload as RateSubject[]);
    },
    tell: (kind: string, payload: unknown) => {
      sent.push(kind);
      const { subjects, tokens } = payload as { subjects: RateSubject[]; tokens: number };
      windows.addTokens(subjects, tokens);
    },
  } as unknown as PrimaryLink;
}

const logger = pino({ level: 'silent' });
const key: RateSubject = { kind: 'key', id: 'key_1', requestsPerMinute: 2, tokensPerMinute: 100 };
const organization: RateSubject = { kind: 'organization', id: 'org_1' };

describe('PrimaryRateWindows: a worker\'s windows, counted by the primary', () => {
  it('takes the requests of the window in one round trip each, refuses past the limit, and adds tokens one-way', async () => {
    const sent: string[] = [];
    const windows = new PrimaryRateWindows(primaryOf(new RateWindows({ prefix: '', logger }), sent), logger);
    const first = await windows.check([key, organization]);
    assert.equal(first.refusal, undefined);
    assert.equal(first.headers['x-ratelimit-remaining-requests'], '1');
    windows.addTokens([key, organization], 120);
    await new Promise((resolve) => setImmediate(resolve));
    const second = await windows.check([key, organization]);
    assert.deepEqual(second.refusal && { subject: second.refusal.subject, unit: second.refusal.unit, limit: second.refusal.limit }, { subject: 'key', unit: 'tokens', limit: 100 });
    const third = await windows.check([key]);
    assert.equal(third.refusal?.unit, 'requests');
    assert.deepEqual(sent, ['rates.check', 'rates.addTokens', 'rates.check', 'rates.check']);
  });

  it('asks nothing for subjects without limits, and tells no tokens that count for nothing', async () => {
    const sent: string[] = [];
    const windows = new PrimaryRateWindows(primaryOf(new RateWindows({ prefix: '', logger }), sent), logger);
    assert.deepEqual(await windows.check([organization]), { headers: {} });
    windows.addTokens([organization], 50);
    windows.addTokens([key], 0);
    assert.deepEqual(sent, []);
  });

  it('lets the request through when the primary does not answer (as when Redis is down)', async () => {
    const sent: string[] = [];
    const windows = new PrimaryRateWindows(primaryOf(new RateWindows({ prefix: '', logger }), sent, false), logger);
    assert.deepEqual(await windows.check([key]), { headers: {} });
    assert.deepEqual(sent, ['rates.check']);
  });
});
