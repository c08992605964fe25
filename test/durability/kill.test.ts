import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { PROVIDER_DESCRIPTORS } from '../../src/providers/provider-descriptors.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createSwitchyard } from '../../src/switchyard.ts';
import { startServeProcess } from '../support/start-serve-process.ts';

/**
 * What a crash loses. `switchyard serve` runs in its own process on a temporary SQLite folder and
 * takes load; it is then killed with SIGKILL (nothing can be flushed) or stopped with SIGTERM, and
 * the store is compared with the answers the clients received. The stated bound: usage records and
 * debits are flushed every 250 ms, so `kill -9` loses at most the requests that finished in the
 * last 250 ms (plus the time one flush takes), and those still in flight; SIGTERM loses nothing.
 */

const FLUSH_INTERVAL_MS = 250;
/**
 * What a flush itself may take on a loaded 2-core machine, on top of the interval: one SQLite
 * transaction on the usage thread and its answer (with --workers, an IPC hop to the primary first).
 */
const FLUSH_ALLOWANCE_MS = 400;
const WORKERS = 8;

interface Answered {
  requestId: string;
  cost: number;
  /** performance.now() when the client had the whole answer. */
  at: number;
}

/** Sends chat requests from several clients until `stop` resolves, keeping every answer received in full. */
async function load(url: string, apiKey: string, until: (answered: Answered[]) => boolean): Promise<{ answered: Answered[]; stoppedAt: Promise<number> }> {
  const answered: Answered[] = [];
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
  let resolveStop!: (at: number) => void;
  const stoppedAt = new Promise<number>((resolve) => (resolveStop = resolve));
  let stopping = false;
  const worker = async (index: number) => {
    for (let turn = 0; !stopping; turn += 1) {
      try {
        const { data, response } = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: `Worker ${index}, turn ${turn}` }] }).withResponse();
        answered.push({ requestId: response.headers.get('x-request-id')!, cost: Math.round((data.usage as unknown as { cost: number }).cost * 1_000_000), at: performance.now() });
        if (!stopping && until(answered)) {
          stopping = true;
          resolveStop(performance.now());
        }
      } catch {
        return; // the server is gone
      }
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, index) => worker(index));
  return { answered, stoppedAt: stoppedAt.then(async (at) => at).finally(() => void Promise.allSettled(workers)) };
}

describe('durability: what `switchyard serve` loses when it is killed', () => {
  let simulators: Simulators;
  const folders: string[] = [];
  before(async () => {
    simulators = await startSimulators({ port: 0 });
  });
  after(async () => {
    await simulators.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  /** A data folder with an organization, credit and a key, made through the service layer as the CLI would. */
  async function prepare(): Promise<{ environment: Record<string, string>; apiKey: string; dataDir: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-durability-'));
    folders.push(dataDir);
    const environment: Record<string, string> = { SWITCHYARD_DATA_DIR: dataDir, PORT: '0', OPENAI_API_KEY: 'sk-durability-provider-key', OPENAI_BASE_URL: simulators.baseUrls.openai, LOG_LEVEL: 'info' };
    // SWITCHYARD_TEST_WORKERS=2: `serve` is a primary with that many workers (npm run test:durability:workers).
    if (process.env.SWITCHYARD_TEST_WORKERS) environment.SWITCHYARD_WORKERS = process.env.SWITCHYARD_TEST_WORKERS;
    const switchyard = await createSwitchyard(loadConfig({ environment, providers: PROVIDER_DESCRIPTORS }), { logger: pino({ level: 'silent' }) });
    try {
      const organization = await switchyard.accounts.createOrganization('durable');
      await switchyard.credits.topUp(organization.id, 1_000_000_000);
      const { secret } = await switchyard.accounts.createApiKey('durable', 'load');
      return { environment, apiKey: secret, dataDir };
    } finally {
      await switchyard.close();
    }
  }

  async function stored(dataDir: string) {
    const store = openStore({ dataDir });
    try {
      const records = new Map((await store.listUsageRecords({ limit: 1_000_000 })).map((record) => [record.requestId, record]));
      const debits = new Map((await store.listLedgerEntries({ limit: 1_000_000 })).filter((entry) => entry.kind === 'debit').map((entry) => [entry.requestId!, -entry.amount]));
      return { records, debits };
    } finally {
      await store.close();
    }
  }

  function assertLedgerMatchesUsage(records: Map<string, { cost: number }>, debits: Map<string, number>): void {
    for (const [requestId, record] of records) assert.equal(debits.get(requestId) ?? 0, record.cost, `request ${requestId}: its debit and its usage record were written together`);
    assert.equal(debits.size, [...records.values()].filter((record) => record.cost > 0).length, 'no debit without its usage record');
  }

  test('kill -9 loses only requests answered in the last flush interval, and never a debit without its usage record', async (t) => {
    const { environment, apiKey, dataDir } = await prepare();
    const serve = await startServeProcess(environment);
    const { answered, stoppedAt } = await load(serve.url, apiKey, (answers) => answers.length >= 300);
    await stoppedAt;
    const killedAt = performance.now();
    serve.child.kill('SIGKILL');
    await serve.exited;

    const { records, debits } = await stored(dataDir);
    const lost = answered.filter((answer) => !records.has(answer.requestId));
    const worstAgeMs = Math.max(0, ...lost.map((answer) => killedAt - answer.at));
    t.diagnostic(`answered ${answered.length}, lost ${lost.length} (${lost.reduce((total, answer) => total + answer.cost, 0)} micro-credits); the oldest lost answer was ${worstAgeMs.toFixed(0)} ms old at the kill`);
    for (const answer of lost) {
      assert.ok(killedAt - answer.at < FLUSH_INTERVAL_MS + FLUSH_ALLOWANCE_MS, `request ${answer.requestId}, answered ${(killedAt - answer.at).toFixed(0)} ms before the kill, was lost`);
    }
    assert.ok(records.size >= answered.length - lost.length);
    assertLedgerMatchesUsage(records, debits);
    for (const answer of answered.filter((candidate) => records.has(candidate.requestId))) assert.equal(debits.get(answer.requestId), answer.cost, 'the debit is the cost the client was told');
  });

  test('SIGTERM loses nothing: every answered request has its usage record and debit', async (t) => {
    const { environment, apiKey, dataDir } = await prepare();
    const serve = await startServeProcess(environment);
    const { answered, stoppedAt } = await load(serve.url, apiKey, (answers) => answers.length >= 200);
    await stoppedAt;
    serve.child.kill('SIGTERM');
    await serve.exited;

    const { records, debits } = await stored(dataDir);
    const lost = answered.filter((answer) => !records.has(answer.requestId));
    t.diagnostic(`answered ${answered.length}, lost ${lost.length}`);
    assert.deepEqual(lost, []);
    assertLedgerMatchesUsage(records, debits);
    for (const answer of answered) assert.equal(debits.get(answer.requestId), answer.cost);
  });
});
