import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { StoredResponses } from '../../src/gateway/stored-responses.ts';
import type { AuthenticatedKey, ResponseRecord, ResponseWrite, Store } from '../../src/store/store.ts';

const principal = { id: 'key_1', organizationId: 'org_1' } as AuthenticatedKey;
const record = (id: string): Omit<ResponseRecord, 'expiresAt'> => ({
  id,
  organizationId: 'org_1',
  apiKeyId: 'key_1',
  provider: 'anthropic',
  model: 'claude-sonnet-4-6',
  createdAt: Date.now(),
  usageRecordedAt: null,
  holder: 'gateway',
  previousResponseId: null,
  status: 'completed',
  body: '{}',
  heartbeatAt: null,
});

/** A store that keeps written responses in memory, or fails every write. */
function fakeStore(options: { failWrites?: boolean } = {}) {
  const batches: ResponseWrite[][] = [];
  const rows = new Map<string, ResponseRecord>();
  const store = {
    async writeResponses(writes: ResponseWrite[]) {
      if (options.failWrites) throw new Error('database unreachable');
      batches.push(writes);
      for (const write of writes) if (write.kind === 'insert') rows.set(write.record.id, write.record);
    },
    async findResponseRecord(id: string) {
      return rows.get(id);
    },
  } as unknown as Store;
  return { store, batches };
}

describe('StoredResponses: the batched writer', () => {
  it('writes what arrives together in one batch, and a read waits for it', async () => {
    const { store, batches } = fakeStore();
    const responses = new StoredResponses(store, pino({ level: 'silent' }), 60_000, () => null);
    for (let index = 0; index < 100; index += 1) responses.record(record(`resp_${index}`));
    assert.ok(await responses.find('resp_99', principal), 'found at once by this instance');
    assert.equal(batches.length, 1, 'one transaction for the hundred');
    assert.equal(batches[0]!.length, 100);
    responses.record(record('resp_later'));
    await responses.close();
    assert.equal(batches.length, 2);
  });

  it('a store that keeps failing: the batch is tried three times, then dropped and logged; nothing hangs', async () => {
    const { store } = fakeStore({ failWrites: true });
    const logged: string[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    const responses = new StoredResponses(store, logger, 60_000, () => null);
    responses.record(record('resp_lost'));
    const startedAt = Date.now();
    assert.equal(await responses.find('resp_lost', principal), undefined);
    // The retries take about a second and a half; the bound only tells an end from a hang, with room for a loaded machine.
    assert.ok(Date.now() - startedAt < 10_000, 'the read ends');
    await responses.close();
    assert.ok(logged.some((line) => line.includes('dropped after retries')), logged.join('\n'));
  });
});
