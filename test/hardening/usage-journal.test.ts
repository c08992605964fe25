import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { DEFAULT_TEST_DATABASE_URL, postgresTestSchema, type PostgresTestSchema } from '../support/postgres-test-schema.ts';
import { provisionTenant, throughProxy } from '../support/postgres-fault-run.ts';
import { startServeProcess } from '../support/start-serve-process.ts';
import { skipUnless } from '../support/required-services.ts';

const DATABASE_URL = process.env.SWITCHYARD_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
/** The stated bound: what finished in the last flush interval may be lost by kill -9, with an allowance for a loaded machine. */
const LOSS_WINDOW_MS = 250 + 400;

/**
 * kill -9 while PostgreSQL is unreachable, then a restart: usage that could not be written waits
 * in the local journal and is written exactly once when the store is back. Once it lived only in
 * memory and died with the process.
 */
describe('the usage journal outlives a crash during a database outage', { skip: await skipUnless('postgres') }, () => {
  let simulators: Simulators;
  let proxy: FaultProxy;
  let schema: PostgresTestSchema;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-journal-'));

  before(async () => {
    simulators = await startSimulators({ port: 0 });
    const target = new URL(DATABASE_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    schema = postgresTestSchema(DATABASE_URL, 'journal');
  });
  after(async () => {
    await proxy.close();
    await simulators.close();
    await schema.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('every request answered before the last flush interval is recorded exactly once after the restart', { timeout: 120_000 }, async (t) => {
    const direct = { DATABASE_URL, SWITCHYARD_DATABASE_SCHEMA: schema.schema, SWITCHYARD_DATA_DIR: dataDir, OPENAI_API_KEY: 'sk-journal-provider-key', OPENAI_BASE_URL: simulators.baseUrls.openai };
    const { keys } = await provisionTenant(direct, 'journaled', 1_000_000_000, ['load']);
    const secret = keys.load!.secret;

    const first = await startServeProcess({ ...direct, DATABASE_URL: throughProxy(DATABASE_URL, proxy.port), PORT: '0', LOG_LEVEL: 'info', SWITCHYARD_DATABASE_TIMEOUT_MS: '1000' });
    const client = new OpenAI({ baseURL: `${first.url}/v1`, apiKey: secret, maxRetries: 0 });
    const answered = new Map<string, { cost: number; at: number }>();
    let stopping = false;
    const workers = Array.from({ length: 6 }, async (_, index) => {
      for (let turn = 0; !stopping; turn += 1) {
        try {
          const { data, response } = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: `${index}/${turn}` }] }).withResponse();
          answered.set(response.headers.get('x-request-id')!, { cost: Math.round((data.usage as unknown as { cost: number }).cost * 1_000_000), at: performance.now() });
        } catch {
          return; // killed
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    proxy.setMode('blackhole');
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    assert.ok(readdirSync(join(dataDir, 'usage-journal')).length > 0, 'the usage that could not be written was journaled');
    const killedAt = performance.now();
    first.child.kill('SIGKILL');
    stopping = true;
    await first.exited;
    await Promise.all(workers);
    proxy.setMode('pass');

    // The restart reads the journal and writes it; SIGTERM flushes whatever is left.
    const second = await startServeProcess({ ...direct, PORT: '0', LOG_LEVEL: 'info' });
    second.child.kill('SIGTERM');
    await second.exited;
    assert.deepEqual(readdirSync(join(dataDir, 'usage-journal')), [], 'the journal is removed once written');

    const store = openStore({ dataDir, databaseUrl: DATABASE_URL, databaseSchema: schema.schema });
    try {
      const records = await store.listUsageRecords({ limit: 1_000_000 });
      const byRequest = new Map(records.map((record) => [record.requestId, record]));
      assert.equal(byRequest.size, records.length, 'no request recorded twice');
      const lost = [...answered].filter(([requestId]) => !byRequest.has(requestId));
      t.diagnostic(`answered ${answered.size}, recorded ${records.length}, lost ${lost.length} (the oldest ${Math.round(Math.max(0, ...lost.map(([, answer]) => killedAt - answer.at)))} ms before the kill)`);
      for (const [requestId, answer] of lost) assert.ok(killedAt - answer.at < LOSS_WINDOW_MS, `${requestId}, answered ${Math.round(killedAt - answer.at)} ms before the kill, was lost`);
      for (const [requestId, answer] of answered) if (byRequest.has(requestId)) assert.equal(byRequest.get(requestId)!.cost, answer.cost);
      const debits = (await store.listLedgerEntries({ limit: 1_000_000 })).filter((entry) => entry.kind === 'debit');
      assert.equal(new Set(debits.map((entry) => entry.requestId)).size, debits.length, 'one debit per request at most');
      assert.equal(debits.reduce((total, entry) => total - entry.amount, 0), records.reduce((total, record) => total + record.cost, 0), 'ledger == recorded costs');
      assert.ok(answered.size - lost.length > 100);
    } finally {
      await store.close();
    }
  });
});
