import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { DEFAULT_TEST_DATABASE_URL, postgresTestSchema, type PostgresTestSchema } from '../support/postgres-test-schema.ts';
import { assertEveryAnswerRecordedOnce, provisionTenant, revokeKey, throughProxy, type FaultRunTenant } from '../support/postgres-fault-run.ts';
import { startServeProcess, type ServeProcess } from '../support/start-serve-process.ts';
import { skipUnless } from '../support/required-services.ts';

const DATABASE_URL = process.env.SWITCHYARD_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
const WORKERS = 6;

/**
 * The database fails as networks fail, through a TCP proxy in front of PostgreSQL, while `serve`
 * (its own process) takes load. Once a connection reset killed the instance with the usage it had
 * queued, and a blackhole wedged it for good (no connect, query or statement timeout).
 */
describe('PostgreSQL resets and blackholes: the instance lives, nothing answered is lost or counted twice', { skip: await skipUnless('postgres') }, () => {
  let simulators: Simulators;
  let proxy: FaultProxy;
  let schema: PostgresTestSchema;
  let environment: Record<string, string>;
  let direct: Record<string, string>;
  let tenant: FaultRunTenant;
  /** The instances' own data folder (their usage journal), never shared with another test. */
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-faults-'));

  before(async () => {
    simulators = await startSimulators({ port: 0 });
    const target = new URL(DATABASE_URL);
    proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    schema = postgresTestSchema(DATABASE_URL, 'faults');
    direct = { DATABASE_URL, SWITCHYARD_DATABASE_SCHEMA: schema.schema, OPENAI_API_KEY: 'sk-faults-provider-key', OPENAI_BASE_URL: simulators.baseUrls.openai, SWITCHYARD_DATA_DIR: dataDir };
    tenant = await provisionTenant(direct, 'faulty', 1_000_000_000, ['load', 'to-revoke']);
    environment = { ...direct, DATABASE_URL: throughProxy(DATABASE_URL, proxy.port), PORT: '0', LOG_LEVEL: 'info', SWITCHYARD_DATABASE_TIMEOUT_MS: '1500' };
  });

  after(async () => {
    await proxy.close();
    await simulators.close();
    await schema.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Clients that keep sending until `stop()`, keeping the request id and cost of every answer they got whole. */
  function load(url: string) {
    const answered = new Map<string, number>();
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: tenant.keys.load!.secret, maxRetries: 0 });
    let stopping = false;
    const workers = Array.from({ length: WORKERS }, async (_, index) => {
      for (let turn = 0; !stopping; turn += 1) {
        const { data, response } = await client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: `${index}/${turn}` }] }).withResponse();
        answered.set(response.headers.get('x-request-id')!, Math.round((data.usage as unknown as { cost: number }).cost * 1_000_000));
      }
    });
    return {
      answered,
      async stop() {
        stopping = true;
        await Promise.all(workers);
      },
    };
  }

  const assertRecorded = (answered: Map<string, number>) => assertEveryAnswerRecordedOnce({ databaseUrl: DATABASE_URL, databaseSchema: schema.schema }, tenant, answered);

  test('connection resets under load: the instance stays up and every answered request is recorded exactly once', { timeout: 120_000 }, async () => {
    const serve: ServeProcess = await startServeProcess(environment);
    let exitedEarly = false;
    void serve.exited.then(() => (exitedEarly = true));
    const traffic = load(serve.url);
    for (let reset = 0; reset < 6; reset += 1) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      proxy.setMode('reset');
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await traffic.stop();
    assert.equal(exitedEarly, false, 'the instance survived the resets');
    serve.child.kill('SIGTERM');
    await serve.exited;
    assert.ok(traffic.answered.size > 50, `${traffic.answered.size} answered`);
    await assertRecorded(traffic.answered);
  });

  test('a blackhole under load: requests are served meanwhile, the usage reaches the database once it is back, a revoked key is refused, SIGTERM finishes', { timeout: 120_000 }, async () => {
    const serve: ServeProcess = await startServeProcess(environment);
    let exitedEarly = false;
    void serve.exited.then(() => (exitedEarly = true));
    const traffic = load(serve.url);
    await new Promise((resolve) => setTimeout(resolve, 500));
    proxy.setMode('blackhole');
    const before = traffic.answered.size;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    assert.ok(traffic.answered.size > before + 20, 'answered from caches while the database was unreachable');
    const started = performance.now();
    const readiness = await fetch(`${serve.url}/readyz`);
    assert.equal(readiness.status, 200, 'still serving: a load balancer must not drain it');
    assert.deepEqual(((await readiness.json()) as { status: string; checks: unknown }).checks, { store: 'unavailable' });
    assert.ok(performance.now() - started < 5_000, '/readyz does not hang on the database');
    proxy.setMode('pass');
    // A key revoked (directly in the database) after the outage is refused by the instance within its bound.
    const victimClient = new OpenAI({ baseURL: `${serve.url}/v1`, apiKey: tenant.keys['to-revoke']!.secret, maxRetries: 0 });
    await victimClient.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    await revokeKey(direct, tenant.keys['to-revoke']!.id);
    const revokedAt = performance.now();
    let refused = false;
    while (!refused && performance.now() - revokedAt < 15_000) {
      refused = await victimClient.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }).then(() => false, (error: unknown) => error instanceof OpenAI.APIError && error.status === 401);
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(refused, 'the revoked key was refused after the outage');
    await traffic.stop();
    assert.equal(exitedEarly, false);
    const stoppingAt = performance.now();
    serve.child.kill('SIGTERM');
    await serve.exited;
    assert.ok(performance.now() - stoppingAt < 30_000, 'SIGTERM finished');
    await assertRecorded(traffic.answered);
  });
});
