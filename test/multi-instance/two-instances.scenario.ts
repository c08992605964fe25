import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import { boundRequestCost } from '../../src/metering/bound-request-cost.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { openStore } from '../../src/store/open-store.ts';
import { DEFAULT_TEST_DATABASE_URL, postgresTestSchema, type PostgresTestSchema } from '../support/postgres-test-schema.ts';

/**
 * Two `switchyard serve` processes on one PostgreSQL schema and one Redis (own key prefix), under
 * ~2,000 concurrent requests from two keys of one organization whose credit runs out midway:
 * non-stream, stream, client-aborted streams and provider faults. Not part of `npm test`
 * (`npm run test:multi-instance`; `npm run test:multi-instance:workers` runs each `serve` with two workers).
 */

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPOSITORY, 'bin', 'switchyard.js');
const DATABASE_URL = process.env.SWITCHYARD_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
const REDIS_URL = process.env.SWITCHYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_TOKEN = `admin-${randomUUID()}`;
const TOTAL = 2_000;
const CONCURRENCY = 64;
const LIMITED_RPM = 60;
const MAX_TOKENS = 64;
const MODEL = 'gpt-5-mini';
const run = promisify(execFile);

interface Serve {
  child: ChildProcess;
  /** stderr and the error-level log lines of the process. */
  problems: string[];
  url: string;
  exited: Promise<unknown>;
}

interface Outcome {
  index: number;
  key: 'main' | 'limited';
  kind: 'plain' | 'stream' | 'abort';
  status: number;
  requestId: string | null;
  sentAt: number;
  doneAt: number;
}

function body(index: number, stream: boolean) {
  return {
    model: MODEL,
    max_tokens: MAX_TOKENS,
    messages: [{ role: 'user', content: `Request ${index}: say something short.` }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

describe('two gateway instances sharing PostgreSQL and Redis', () => {
  let simulators: Simulators;
  let schema: PostgresTestSchema;
  const prefix = `switchyard-scenario-${randomUUID()}:`;
  const children: ChildProcess[] = [];
  let environment: Record<string, string>;

  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { cwd: REPOSITORY, env: { ...process.env, ...environment } })).stdout;

  async function startServe(): Promise<Serve> {
    const child = spawn(process.execPath, [CLI, 'serve'], { cwd: REPOSITORY, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const exited = once(child, 'exit');
    let stderr = '';
    const problems: string[] = [];
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      problems.push(text);
    });
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.includes('switchyard is listening')) resolve(String(JSON.parse(line).url));
        if (/"level":(50|60)/.test(line)) problems.push(line);
      });
      void exited.then(() => reject(new Error(`serve exited before listening: ${stderr}`)));
    });
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(`${url}/healthz`).catch(() => undefined);
      if (response?.ok) break;
      if (attempt > 100) throw new Error(`${url}/healthz never answered 200`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { child, url, exited, problems };
  }

  before(async () => {
    simulators = await startSimulators({ port: 0 });
    schema = postgresTestSchema(DATABASE_URL, 'multi_instance');
    const url = new URL(DATABASE_URL);
    url.searchParams.set('schema', schema.schema);
    environment = {
      DATABASE_URL: url.toString(),
      REDIS_URL,
      SWITCHYARD_REDIS_PREFIX: prefix,
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      PORT: '0',
      LOG_LEVEL: 'info',
      // One process each, or with SWITCHYARD_TEST_WORKERS=2 a primary with that many workers (npm run test:multi-instance:workers).
      SWITCHYARD_WORKERS: process.env.SWITCHYARD_TEST_WORKERS ?? '1',
      // The shared path is what this scenario checks. Four processes and the load on two cores can
      // starve an event loop past the 1 s default, and a command that timed out puts its instance
      // alone on local counters (a partial outage, whose looser bound ARCHITECTURE.md states);
      // test/hardening/redis-faults.test.ts and two-instance-faults.test.ts cover outages.
      SWITCHYARD_REDIS_TIMEOUT_MS: '5000',
      OPENAI_API_KEY: 'sk-scenario-provider-key',
      OPENAI_BASE_URL: simulators.baseUrls.openai,
    };
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await simulators?.close();
    await schema?.drop().catch(() => undefined);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });

  test('credits, usage, 402s, rate limits and revocation hold across both instances', async (t) => {
    const started = performance.now();
    await cli('orgs', 'create', 'shared');
    const secretOf = (output: string) => output.trim().split('\n').at(-1)!.trim();
    const idOf = (output: string) => /Created key (\S+)/.exec(output)![1];
    const mainOutput = await cli('keys', 'create', '--org', 'shared', '--name', 'main');
    const limitedOutput = await cli('keys', 'create', '--org', 'shared', '--name', 'limited', '--rpm', String(LIMITED_RPM));
    const keys = { main: secretOf(mainOutput), limited: secretOf(limitedOutput) };
    const mainKeyId = idOf(mainOutput);
    await cli('credits', 'add', '--org', 'shared', '--amount', '0.001', '--reason', 'calibration');

    const [a, b] = await Promise.all([startServe(), startServe()]);
    const instances = [a, b];

    // Calibration: what a request costs here, so that the top-up runs out about midway.
    const calibrationCosts: number[] = [];
    for (let index = 0; index < 6; index += 1) {
      const response = await fetch(`${instances[index % 2].url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${keys.main}`, 'content-type': 'application/json' }, body: JSON.stringify(body(index, false)) });
      assert.equal(response.status, 200);
      const data = (await response.json()) as { usage: { cost: number } };
      calibrationCosts.push(Math.round(data.usage.cost * 1_000_000));
    }
    const averageCost = calibrationCosts.reduce((x, y) => x + y, 0) / calibrationCosts.length;
    const topUpMicros = Math.round(averageCost * TOTAL * 0.85 * 0.5);
    await cli('credits', 'add', '--org', 'shared', '--amount', (topUpMicros / 1_000_000).toFixed(6), '--reason', 'load');
    const reservation = Math.max(boundRequestCost(body(TOTAL, false), BUILTIN_MODELS.find((model) => model.id === MODEL)!), boundRequestCost(body(TOTAL, true), BUILTIN_MODELS.find((model) => model.id === MODEL)!));
    t.diagnostic(`calibration cost ≈ ${averageCost.toFixed(1)} µ; top-up ${topUpMicros} µ; one reservation ≤ ${reservation} µ`);

    // The load.
    const loadStarted = performance.now();
    const outcomes: Outcome[] = [];
    const transportErrors: string[] = [];
    let next = 0;
    const one = async (index: number): Promise<void> => {
      if (index % 50 === 0) simulators.addFault({ provider: 'openai', status: 500, times: 3 });
      if (index % 50 === 25) simulators.addFault({ provider: 'openai', afterChunks: 2, breakMode: 'disconnect', times: 2 });
      const key = index % 7 === 3 ? 'limited' : 'main';
      const kind = (['plain', 'plain', 'plain', 'plain', 'stream', 'stream', 'stream', 'abort', 'abort', 'stream'] as const)[index % 10];
      const instance = instances[index % 2];
      const controller = new AbortController();
      const sentAt = performance.now();
      let status = 0;
      let requestId: string | null = null;
      try {
        const response = await fetch(`${instance.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${keys[key]}`, 'content-type': 'application/json' },
          body: JSON.stringify(body(index, kind !== 'plain')),
          signal: controller.signal,
        });
        status = response.status;
        requestId = response.headers.get('x-request-id');
        if (kind === 'abort' && status === 200) {
          const reader = response.body!.getReader();
          await reader.read();
          controller.abort();
          await reader.cancel().catch(() => undefined);
        } else {
          await response.arrayBuffer().catch(() => undefined);
        }
      } catch (error) {
        if (status === 0) {
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          transportErrors.push(`request ${index} (${key}, ${kind}) to ${index % 2 ? 'B' : 'A'}: ${(error as Error).message}: ${cause?.code ?? ''} ${cause?.message ?? ''}`);
        }
      }
      outcomes.push({ index, key, kind, status, requestId, sentAt, doneAt: performance.now() });
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) await one(next++);
      }),
    );
    const loadMs = performance.now() - loadStarted;
    const statuses = new Map<string, number>();
    for (const outcome of outcomes) statuses.set(`${outcome.key}:${outcome.status}`, (statuses.get(`${outcome.key}:${outcome.status}`) ?? 0) + 1);
    t.diagnostic(`load: ${outcomes.length} requests in ${(loadMs / 1000).toFixed(1)} s; ${JSON.stringify(Object.fromEntries(statuses))}`);

    for (const [name, instance] of [['A', a], ['B', b]] as const) {
      if (instance.child.exitCode !== null || instance.child.signalCode !== null) t.diagnostic(`instance ${name} exited during the load: ${instance.child.exitCode ?? instance.child.signalCode}`);
      if (instance.problems.length > 0) t.diagnostic(`instance ${name} errors: ${instance.problems.slice(0, 3).join('\n').slice(0, 3000)}`);
    }
    assert.ok(a.child.exitCode === null && b.child.exitCode === null, 'both instances survived the load');
    t.diagnostic(`transport errors: ${transportErrors.length}; ${transportErrors.slice(0, 5).join(' | ')}`);

    // The balance Redis holds, as instance B reports it, before anything else happens — once the last
    // settlements are in (a stream the client aborted settles when its instance sees the close; with
    // workers, four processes share two cores) and, if a Redis command timed out under the load (an
    // event loop starved past SWITCHYARD_REDIS_TIMEOUT_MS), once the instance that saw it is back on
    // the shared counters and the balance was reconciled with the ledger, which waits for the
    // organization to be quiet for 2 s (metering/redis-admission-counters.ts): a balance that held for 4 s.
    const readLiveBalance = async () => {
      const creditsResponse = await fetch(`${b.url}/v1/credits`, { headers: { authorization: `Bearer ${keys.main}` } });
      assert.equal(creditsResponse.status, 200);
      return ((await creditsResponse.json()) as { balance_micros: number }).balance_micros;
    };
    const STABLE_MS = 4_000;
    const readingEnds = performance.now() + 20_000;
    let liveBalance = await readLiveBalance();
    let stableSince = performance.now();
    while (performance.now() - stableSince < STABLE_MS && performance.now() < readingEnds) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const again = await readLiveBalance();
      if (again !== liveBalance) {
        t.diagnostic(`the live balance moved after the load: ${liveBalance} -> ${again}`);
        liveBalance = again;
        stableSince = performance.now();
      }
    }

    // Revocation through A, seen by B within a second.
    const revokeResponse = await fetch(`${a.url}/admin/v1/keys/${mainKeyId}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.ok(revokeResponse.ok, `revoke answered ${revokeResponse.status}`);
    const revokedAt = performance.now();
    let refusedAfterMs: number | undefined;
    while (performance.now() - revokedAt < 1_000) {
      // A read that needs the key and bills nothing: a model request let through before B saw the revocation would move the balance after it was read.
      const response = await fetch(`${b.url}/v1/credits`, { headers: { authorization: `Bearer ${keys.main}` } });
      await response.arrayBuffer();
      if (response.status === 401) {
        refusedAfterMs = performance.now() - revokedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.diagnostic(`revoked through A; B refused it after ${refusedAfterMs?.toFixed(0) ?? 'more than 1000'} ms`);

    // Stop both (SIGTERM flushes), then read the store.
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((instance) => instance.exited));
    const store = openStore({ dataDir: tmpdir(), databaseUrl: DATABASE_URL, databaseSchema: schema.schema });
    let records, ledger;
    try {
      records = await store.listUsageRecords({ limit: 1_000_000 });
      ledger = await store.listLedgerEntries({ limit: 1_000_000 });
    } finally {
      await store.close();
    }

    // 1. Ledger: debits add up to the balance change, exactly; Redis agrees with the store.
    const topUps = ledger.filter((entry) => entry.kind === 'top_up').reduce((sum, entry) => sum + entry.amount, 0);
    const debits = ledger.filter((entry) => entry.kind === 'debit');
    const debitTotal = -debits.reduce((sum, entry) => sum + entry.amount, 0);
    const finalBalance = ledger.reduce((sum, entry) => sum + entry.amount, 0);
    assert.equal(topUps, 1_000 + topUpMicros);
    assert.equal(debitTotal, topUps - finalBalance, 'sum of debits == starting credit − final balance');
    assert.equal(liveBalance, finalBalance, 'the shared (Redis) balance equals the ledger once flushed');
    assert.equal(records.reduce((sum, record) => sum + record.cost, 0), debitTotal, 'usage records cost what was debited');

    // 2. Every 200 has exactly one usage record and at most one debit (matching its cost).
    const recordsById = new Map<string, number>();
    for (const record of records) recordsById.set(record.requestId, (recordsById.get(record.requestId) ?? 0) + 1);
    const debitsById = new Map<string, number[]>();
    for (const debit of debits) debitsById.set(debit.requestId!, [...(debitsById.get(debit.requestId!) ?? []), -debit.amount]);
    const costById = new Map(records.map((record) => [record.requestId, record.cost]));
    const ok = outcomes.filter((outcome) => outcome.status === 200);
    for (const outcome of ok) {
      assert.ok(outcome.requestId, `request ${outcome.index} has an x-request-id`);
      assert.equal(recordsById.get(outcome.requestId) ?? 0, 1, `request ${outcome.index} (${outcome.kind}, ${outcome.requestId}) has exactly one usage record`);
      const its = debitsById.get(outcome.requestId) ?? [];
      assert.ok(its.length <= 1, `request ${outcome.requestId} has at most one debit`);
      assert.equal(its[0] ?? 0, costById.get(outcome.requestId));
    }
    for (const [requestId, amounts] of debitsById) assert.equal(amounts.length, 1, `one debit for ${requestId}`);

    // 3. Overdraft: below zero by less than one request's reservation.
    assert.ok(finalBalance > -reservation, `final balance ${finalBalance} is above −${reservation}`);
    assert.ok(finalBalance < CONCURRENCY * reservation, `the credit was spent down to less than the in-flight reservations (final balance ${finalBalance})`);

    // 4. 402s only once the spend ran out. When a 402 is issued, balance − in-flight reservations ≤ 0,
    //    and at most CONCURRENCY − 1 other load requests (and none else) are in flight. So the debits
    //    of the requests sent before the first 402 reached its client are at least
    //    starting credit − (CONCURRENCY − 1) × one reservation.
    const refused = outcomes.filter((outcome) => outcome.status === 402);
    assert.ok(refused.length > 0, 'the credit ran out during the load');
    const first402 = Math.min(...refused.map((outcome) => outcome.doneAt));
    const sentBefore = outcomes.filter((outcome) => outcome.sentAt < first402 && outcome.requestId);
    const spentBefore = calibrationCosts.reduce((x, y) => x + y, 0) + sentBefore.reduce((sum, outcome) => sum + (costById.get(outcome.requestId!) ?? 0), 0);
    t.diagnostic(`first 402 after ${sentBefore.length} load requests were sent; they cost ${spentBefore} µ of ${topUps} µ (bound: ≥ ${topUps - (CONCURRENCY - 1) * reservation})`);
    assert.ok(spentBefore >= topUps - (CONCURRENCY - 1) * reservation, `no 402 while more than ${CONCURRENCY - 1} reservations of credit were left (spent ${spentBefore} of ${topUps})`);
    assert.ok(ok.length > 300 && refused.length > 300, `the credit ran out roughly midway (${ok.length} × 200, ${refused.length} × 402)`);

    // 5. Rate limit: the limited key's successes across both instances stay within its limit per
    //    minute window touched (requests count at admission; no tolerance is documented).
    const limitedOk = ok.filter((outcome) => outcome.key === 'limited').length;
    const windows = Math.floor(loadMs / 60_000) + 1;
    assert.ok(limitedOk <= LIMITED_RPM * windows, `limited key: ${limitedOk} successes, limit ${LIMITED_RPM} × ${windows} window(s)`);
    assert.ok(outcomes.some((outcome) => outcome.key === 'limited' && outcome.status === 429), 'the limited key met its limit');

    // 6. Revocation through A reached B within a second.
    assert.ok(refusedAfterMs !== undefined, 'instance B refused the key revoked through instance A within 1 s');

    assert.deepEqual(transportErrors, [], 'every request got an HTTP answer');
    t.diagnostic(`scenario took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
});
