import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { openStore } from '../../src/store/open-store.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { assertEveryAnswerRecordedOnce, provisionTenant, revokeKey, throughProxy, type FaultRunTenant } from '../support/postgres-fault-run.ts';
import { DEFAULT_TEST_DATABASE_URL, postgresTestSchema, type PostgresTestSchema } from '../support/postgres-test-schema.ts';
import { TEST_REDIS_URL } from '../support/redis-test-environment.ts';
import { startServeProcess, type ServeProcess } from '../support/start-serve-process.ts';
import { skipUnless } from '../support/required-services.ts';

const DATABASE_URL = process.env.SWITCHYARD_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
const WORKERS = 8;
const TOTAL_DEADLINE_MS = 15_000;
/** The key cache polls the store every second; allow for a loaded machine. */
const REVOCATION_BOUND_MS = 3_000;

interface Fault {
  name: string;
  dependency: 'postgres' | 'redis';
  inject(proxy: FaultProxy): Promise<void>;
}

const resets = async (proxy: FaultProxy) => {
  for (let reset = 0; reset < 5; reset += 1) {
    await pause(400);
    proxy.setMode('reset');
  }
};
const lasting = (mode: 'blackhole' | 'slow', milliseconds: number, delayMs = 0) => async (proxy: FaultProxy) => {
  proxy.setMode(mode, delayMs);
  await pause(milliseconds);
  proxy.setMode('pass');
};

/** Each fault in turn, the load running through all of them. Slow PostgreSQL stays within its query timeout; slow Redis does not. */
const FAULTS: Fault[] = [
  { name: 'PostgreSQL connections reset', dependency: 'postgres', inject: resets },
  { name: 'PostgreSQL blackholed for 4 s', dependency: 'postgres', inject: lasting('blackhole', 4_000) },
  { name: 'PostgreSQL 400 ms slow for 3 s', dependency: 'postgres', inject: lasting('slow', 3_000, 400) },
  { name: 'Redis connections reset', dependency: 'redis', inject: resets },
  { name: 'Redis blackholed for 3 s', dependency: 'redis', inject: lasting('blackhole', 3_000) },
  { name: 'Redis 600 ms slow for 3 s', dependency: 'redis', inject: lasting('slow', 3_000, 600) },
];

/**
 * Two `serve` processes on one PostgreSQL and one Redis, each reached through a TCP fault proxy,
 * under mixed load (Chat Completions plain and streamed, Anthropic Messages) from one
 * organization, while the database and then Redis reset, blackhole and slow down. Neither
 * instance may exit or hang, every answered request is recorded once at the cost its client was
 * told, the ledger moves by exactly that sum, Redis ends at the ledger's balance, and a key
 * revoked after the faults is refused by both within the cache's bound.
 */
describe('two instances through PostgreSQL and Redis faults under mixed load', { skip: await skipUnless('postgres', 'redis') }, () => {
  let simulators: Simulators;
  let postgresProxy: FaultProxy;
  let redisProxy: FaultProxy;
  let schema: PostgresTestSchema;
  let direct: Record<string, string>;
  let tenant: FaultRunTenant;
  const prefix = `switchyard-faults-${randomUUID()}:`;
  const dataDirs = [0, 1].map((index) => mkdtempSync(join(tmpdir(), `switchyard-two-faults-${index}-`)));
  const instances: ServeProcess[] = [];
  let redis: Redis;

  before(async () => {
    simulators = await startSimulators({ port: 0 });
    const database = new URL(DATABASE_URL);
    postgresProxy = await startFaultProxy({ host: database.hostname, port: Number(database.port || 5432) });
    const redisTarget = new URL(TEST_REDIS_URL);
    redisProxy = await startFaultProxy({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
    redis = new Redis(TEST_REDIS_URL);
    schema = postgresTestSchema(DATABASE_URL, 'twofaults');
    direct = {
      DATABASE_URL,
      SWITCHYARD_DATABASE_SCHEMA: schema.schema,
      OPENAI_API_KEY: 'sk-two-faults-openai',
      OPENAI_BASE_URL: simulators.baseUrls.openai,
      ANTHROPIC_API_KEY: 'sk-ant-two-faults',
      ANTHROPIC_BASE_URL: simulators.baseUrls.anthropic,
      SWITCHYARD_DATA_DIR: dataDirs[0]!,
    };
    tenant = await provisionTenant(direct, 'two-faults', 1_000_000_000, ['load', 'to-revoke']);
    for (const dataDir of dataDirs) {
      instances.push(
        await startServeProcess({
          ...direct,
          DATABASE_URL: throughProxy(DATABASE_URL, postgresProxy.port),
          REDIS_URL: throughProxy(TEST_REDIS_URL, redisProxy.port),
          SWITCHYARD_REDIS_PREFIX: prefix,
          SWITCHYARD_DATA_DIR: dataDir,
          SWITCHYARD_DATABASE_TIMEOUT_MS: '1500',
          SWITCHYARD_REDIS_TIMEOUT_MS: '300',
          SWITCHYARD_TOTAL_TIMEOUT_MS: String(TOTAL_DEADLINE_MS),
          PORT: '0',
          LOG_LEVEL: 'info',
        }),
      );
    }
  });

  after(async () => {
    for (const instance of instances) instance.child.kill('SIGKILL');
    await postgresProxy.close();
    await redisProxy.close();
    await simulators.close();
    await schema.drop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Workers spread over both instances and three kinds of request until `stop()`; every answer's request id and cost, every failure, the slowest answer. */
  function mixedLoad() {
    const answered = new Map<string, number>();
    const failures: string[] = [];
    let slowestMs = 0;
    let stopping = false;
    const secret = tenant.keys.load!.secret;
    const workers = Array.from({ length: WORKERS }, async (_, worker) => {
      const url = instances[worker % 2]!.url;
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
      const anthropic = new Anthropic({ baseURL: url, apiKey: secret, maxRetries: 0 });
      for (let turn = 0; !stopping; turn += 1) {
        const started = performance.now();
        const content = `${worker}/${turn}`;
        try {
          const kind = turn % 3;
          if (kind === 0) {
            const { data, response } = await openai.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content }] }).withResponse();
            answered.set(response.headers.get('x-request-id')!, Math.round((data.usage as unknown as { cost: number }).cost * 1_000_000));
          } else if (kind === 1) {
            const { data: stream, response } = await openai.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true } }).withResponse();
            let cost: number | undefined;
            for await (const chunk of stream) if (chunk.usage) cost = (chunk.usage as unknown as { cost: number }).cost;
            assert.ok(cost !== undefined, 'the stream ended with its usage');
            answered.set(response.headers.get('x-request-id')!, Math.round(cost * 1_000_000));
          } else {
            const { response } = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content }] }).withResponse();
            answered.set(response.headers.get('x-request-id')!, Math.round(Number(response.headers.get('x-switchyard-credits-used')) * 1_000_000));
          }
        } catch (error) {
          failures.push(`${(error as Error).message}`);
        }
        slowestMs = Math.max(slowestMs, performance.now() - started);
      }
    });
    return {
      answered,
      failures,
      get slowestMs() {
        return slowestMs;
      },
      async stop() {
        stopping = true;
        await Promise.all(workers);
      },
    };
  }

  async function readiness(instance: ServeProcess): Promise<string> {
    const response = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return `${response.status} ${((await response.json()) as { status: string }).status}`;
  }

  async function untilBothReady(): Promise<void> {
    const by = performance.now() + 20_000;
    let states: string[] = [];
    while (performance.now() < by) {
      states = await Promise.all(instances.map(readiness));
      if (states.every((state) => state === '200 ready')) return;
      await pause(200);
    }
    assert.fail(`both instances ready again after the fault: ${states.join(', ')}`);
  }

  test('no exit, no hang, every answer recorded once, ledger == balance change == answered costs, Redis == ledger, revocation within its bound', { timeout: 300_000 }, async (t) => {
    const exits = instances.map(() => false);
    instances.forEach((instance, index) => void instance.exited.then(() => (exits[index] = true)));
    const load = mixedLoad();
    await pause(1_000);
    for (const fault of FAULTS) {
      const before = load.answered.size;
      const readinessDuring = fault.inject(fault.dependency === 'postgres' ? postgresProxy : redisProxy);
      await pause(300);
      // While the fault lasts the instances say they can serve (200), degraded or not.
      for (const instance of instances) assert.match(await readiness(instance), /^200 /, `${fault.name}: readiness`);
      await readinessDuring;
      const during = load.answered.size - before;
      t.diagnostic(`${fault.name}: ${during} answered during the fault`);
      assert.ok(during > 10, `${fault.name}: requests were answered during the fault (${during})`);
      await untilBothReady();
    }
    assert.deepEqual(exits, [false, false], 'both instances lived through every fault');

    // A key revoked (from another process, straight to the database) after the faults is refused by both instances within the bound.
    const victims = instances.map((instance) => new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: tenant.keys['to-revoke']!.secret, maxRetries: 0 }));
    for (const victim of victims) await victim.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    await revokeKey(direct, tenant.keys['to-revoke']!.id);
    const revokedAt = performance.now();
    for (const victim of victims) {
      let refused = false;
      while (!refused && performance.now() - revokedAt < REVOCATION_BOUND_MS) {
        refused = await victim.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }).then(
          () => false,
          (error: unknown) => error instanceof OpenAI.APIError && error.status === 401,
        );
        if (!refused) await pause(100);
      }
      assert.ok(refused, `the revoked key was refused within ${REVOCATION_BOUND_MS} ms`);
    }

    await load.stop();
    t.diagnostic(`answered ${load.answered.size}, failed ${load.failures.length}, slowest ${Math.round(load.slowestMs)} ms`);
    assert.deepEqual(load.failures, [], 'every request was answered');
    assert.ok(load.slowestMs < TOTAL_DEADLINE_MS, `no request waited past the total deadline (${Math.round(load.slowestMs)} ms)`);
    // Once the organization is quiet, its shared balance is set to the ledger's.
    const sharedBalance = async () => Number(await redis.get(`${prefix}balance:${tenant.organizationId}`));
    const store = openStore({ dataDir: dataDirs[0]!, databaseUrl: DATABASE_URL, databaseSchema: schema.schema });
    const ledgerBalance = async () => (await store.listBalances()).get(tenant.organizationId) ?? 0;
    const quietAt = performance.now();
    while ((await sharedBalance()) !== (await ledgerBalance()) && performance.now() - quietAt < 10_000) await pause(200);
    t.diagnostic(`Redis balance ${await sharedBalance()}, ledger ${await ledgerBalance()}, ${Math.round(performance.now() - quietAt)} ms after the load stopped`);
    assert.equal(await sharedBalance(), await ledgerBalance(), 'Redis holds the ledger balance once the organization is quiet');
    await store.close();

    const stoppingAt = performance.now();
    for (const instance of instances) instance.child.kill('SIGTERM');
    const codes = await Promise.all(instances.map((instance) => instance.exited));
    assert.ok(performance.now() - stoppingAt < 30_000, 'SIGTERM finished');
    assert.deepEqual(codes.map((code) => (code as unknown[])[0]), [0, 0], 'clean exits');

    const finalBalance = await assertEveryAnswerRecordedOnce({ databaseUrl: DATABASE_URL, databaseSchema: schema.schema }, tenant, load.answered);
    assert.equal(await sharedBalance(), finalBalance, 'and still after both instances stopped');
  });
});
