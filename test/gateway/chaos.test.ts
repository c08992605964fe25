import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { startSimulators } from '../../src/simulators/start-simulators.ts';
import { startFlappingProxy, type ProxyPhase } from '../support/flapping-proxy.ts';
import { startStack, type Stack } from '../support/start-stack.ts';
import { watchUndici } from '../support/watch-undici.ts';

/**
 * Chaos: one model on two deployments, the first flapping every 300 ms between healthy and down
 * (refusing connections, resetting them, answering 500s), under a steady load through the OpenAI
 * SDK. The breakers (250 ms cool-down), the retry rule and the retry budget have to keep nearly
 * every request whole, leak no upstream request or connection, keep memory bounded, and bill
 * every request exactly once.
 */

const REQUESTS = 3_000;
const WARM_UP_REQUESTS = 200;
const CONCURRENCY = 32;
/** Every tenth request from the third on is streamed: 30 %. */
const streamed = (index: number) => index % 10 < 3;
const FLAP_PERIOD_MS = 300;
/**
 * Down a different way each time, healthy in between for longer than the breaker's cool-down, so
 * that a takes traffic between its outages. Refusing lasts two periods: the first requests on a's
 * pooled connections are reset and open its breaker; the half-open probe after the cool-down needs
 * a new connection, which must meet the refusal (with one period, a run on a loaded machine could
 * open the breaker and end the phase before any new connection was tried).
 */
const PHASES: readonly ProxyPhase[] = ['healthy', 'healthy', 'refusing', 'refusing', 'healthy', 'resetting', 'healthy', 'healthy', 'failing'];
/** Shorter than one period, so a probe comes within each outage and each healthy stretch. */
const BREAKER_COOLDOWN_MS = 250;
const ADMIN_TOKEN = 'admin-token-for-the-chaos-test-0123456789';
const MODEL = 'gpt-5-mini';
/** After a forced GC, the process (gateway, simulators and clients together) may have grown this much over the run. */
const MAX_HEAP_GROWTH_BYTES = 32 * 1024 * 1024;
const MAX_RSS_GROWTH_BYTES = 192 * 1024 * 1024;

interface Outcome {
  ok: boolean;
  streamed: boolean;
  latencyMs: number;
  requestId: string | null;
  /** `usage.cost` the answer reported, in micro-credits. */
  reportedCost?: number;
  failure?: string;
}

/** One chat completion through the SDK; a stream counts only if it reaches its finish_reason. */
async function ask(client: OpenAI, index: number): Promise<Outcome> {
  const startedAt = performance.now();
  const messages = [{ role: 'user' as const, content: `Request ${index}: say something short.` }];
  const stream = streamed(index);
  const outcome: Outcome = { ok: false, streamed: stream, latencyMs: 0, requestId: null };
  try {
    if (!stream) {
      const { data, response } = await client.chat.completions.create({ model: MODEL, messages, max_completion_tokens: 256 }).withResponse();
      outcome.requestId = response.headers.get('x-request-id');
      outcome.reportedCost = micros((data.usage as { cost?: number } | undefined)?.cost);
      outcome.ok = Boolean(data.choices[0]?.finish_reason);
    } else {
      const { data, response } = await client.chat.completions.create({ model: MODEL, messages, max_completion_tokens: 256, stream: true, stream_options: { include_usage: true } }).withResponse();
      outcome.requestId = response.headers.get('x-request-id');
      let finishReason: string | null = null;
      for await (const chunk of data) {
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
        if (chunk.usage) outcome.reportedCost = micros((chunk.usage as { cost?: number }).cost);
      }
      outcome.ok = finishReason !== null;
    }
  } catch (error) {
    outcome.failure = error instanceof OpenAI.APIError ? `${error.status ?? 'stream'} ${String(error.code)}` : String(error);
    outcome.requestId ??= (error as { headers?: Headers }).headers?.get('x-request-id') ?? null;
  }
  outcome.latencyMs = performance.now() - startedAt;
  return outcome;
}

function micros(cost: unknown): number | undefined {
  return typeof cost === 'number' ? Math.round(cost * 1_000_000) : undefined;
}

/** `count` requests, `CONCURRENCY` at a time, numbered from `first`. */
async function load(client: OpenAI, first: number, count: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = first;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < first + count) {
        const index = next;
        next += 1;
        outcomes.push(await ask(client, index));
      }
    }),
  );
  return outcomes;
}

interface DeploymentView {
  name: string;
  breaker: string;
  in_flight: number | null;
}

async function deploymentsOf(stack: Stack): Promise<DeploymentView[]> {
  const providers = (await (await fetch(`${stack.gateway.url}/admin/v1/providers`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { data: { id: string; deployments: DeploymentView[] }[] };
  return providers.data.find((provider) => provider.id === 'openai')!.deployments;
}

/** Counts the times deployment `name`'s breaker is seen opening, polling the admin API every 50 ms. */
function watchBreaker(stack: Stack, name: string): { stop(): Promise<number> } {
  let openings = 0;
  let previous = 'closed';
  let running = true;
  const polling = (async () => {
    while (running) {
      const state = (await deploymentsOf(stack)).find((deployment) => deployment.name === name)!.breaker;
      if (state === 'open' && previous !== 'open') openings += 1;
      previous = state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await polling;
      return openings;
    },
  };
}

function countBy(values: string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${value} × ${count}`);
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

describe('chaos: one model on two deployments, the first flapping between healthy, refusing, resetting and failing', () => {
  test(`${REQUESTS.toLocaleString('en')} requests at concurrency ${CONCURRENCY}, 30 % streamed: ≥ 99.9 % whole, no upstream request or connection leaked, memory bounded, every request billed exactly once`, async (t) => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const simulators = await startSimulators();
    const target = { host: '127.0.0.1', port: Number(new URL(simulators.url).port) };
    const flapping = await startFlappingProxy(target);
    // B is steady; it sits behind a proxy too, so that its connections can be counted.
    const steady = await startFlappingProxy(target);
    const undici = watchUndici();
    const stack = await startStack(
      { SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_MAX_RETRIES: '2', SWITCHYARD_RETRY_BUDGET_PERCENT: '50', SWITCHYARD_RETRY_FLOOR_PER_SECOND: '50' },
      {
        configYaml: `
providers:
  openai:
    circuitBreaker: { failures: 3, cooldownMs: ${BREAKER_COOLDOWN_MS} }
    deployments:
      - { name: a, baseUrl: "http://127.0.0.1:${flapping.port}/openai/v1", apiKey: sk-deployment-a }
      - { name: b, baseUrl: "http://127.0.0.1:${steady.port}/openai/v1", apiKey: sk-deployment-b }
`,
      },
    );
    let closed = false;
    try {
      const client = stack.client();
      const { switchyard } = stack.gateway;
      const organization = await switchyard.accounts.requireOrganization('acme');

      // Warm up (pools, JIT, caches), then take the baselines.
      const warmUp = await load(client, 0, WARM_UP_REQUESTS);
      assert.ok(warmUp.every((outcome) => outcome.ok), 'all healthy before the chaos');
      await switchyard.usage.flush();
      const recordedBefore = new Set((await switchyard.store.listUsageRecords({ limit: 1_000_000 })).map((record) => record.requestId));
      const balanceBefore = (await switchyard.store.listBalances()).get(organization.id)!;
      const attemptsBefore = { a: simulators.requests.filter((request) => request.headers.authorization === 'Bearer sk-deployment-a').length, b: simulators.requests.filter((request) => request.headers.authorization === 'Bearer sk-deployment-b').length };
      gc();
      const memoryBefore = process.memoryUsage();

      const startedAt = performance.now();
      const breaker = watchBreaker(stack, 'a');
      const stopFlapping = flapping.flap(PHASES, FLAP_PERIOD_MS);
      const outcomes = await load(client, WARM_UP_REQUESTS, REQUESTS);
      await stopFlapping();
      const durationMs = performance.now() - startedAt;
      const breakerOpenings = await breaker.stop();

      // Outcomes.
      const whole = outcomes.filter((outcome) => outcome.ok);
      const failures = outcomes.filter((outcome) => !outcome.ok);
      const successShare = whole.length / outcomes.length;
      const latencies = outcomes.map((outcome) => outcome.latencyMs).sort((a, b) => a - b);

      // Attempts per deployment: what reached the simulator, plus what deployment a turned away or refused.
      const reached = (key: string) => simulators.requests.filter((request) => request.headers.authorization === `Bearer ${key}`).length;
      const attempts = {
        a: reached('sk-deployment-a') - attemptsBefore.a + flapping.turnedAway() + undici.refusedConnections(flapping.port),
        aReached: reached('sk-deployment-a') - attemptsBefore.a,
        aTurnedAway: flapping.turnedAway(),
        aRefused: undici.refusedConnections(flapping.port),
        b: reached('sk-deployment-b') - attemptsBefore.b,
      };

      // Resources: once the gateway says nothing is in flight, no upstream request may be open and the
      // connections left are the pool's idle keep-alives, no more than the load ever needed at once.
      for (let poll = 0; poll < 100 && (await deploymentsOf(stack)).some((deployment) => (deployment.in_flight ?? 0) > 0); poll += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      const inFlight = (await deploymentsOf(stack)).map((deployment) => deployment.in_flight ?? 0);
      const openUpstreamRequests = undici.openRequests(flapping.port) + undici.openRequests(steady.port);
      const connections = { a: flapping.openConnections(), b: steady.openConnections(), peakA: flapping.peakConnections(), peakB: steady.peakConnections() };
      gc();
      const memoryAfter = process.memoryUsage();
      const heapGrowth = memoryAfter.heapUsed - memoryBefore.heapUsed;
      const rssGrowth = memoryAfter.rss - memoryBefore.rss;

      // The ledger.
      await switchyard.usage.flush();
      const records = (await switchyard.store.listUsageRecords({ limit: 1_000_000 })).filter((record) => !recordedBefore.has(record.requestId));
      const debits = (await switchyard.store.listLedgerEntries({ organizationId: organization.id, limit: 1_000_000 })).filter((entry) => entry.kind === 'debit' && !recordedBefore.has(entry.requestId!));
      const balanceChange = balanceBefore - (await switchyard.store.listBalances()).get(organization.id)!;
      const recordedCost = records.reduce((sum, record) => sum + record.cost, 0);
      const debited = debits.reduce((sum, entry) => sum - entry.amount, 0);
      const reportedCost = whole.reduce((sum, outcome) => sum + (outcome.reportedCost ?? 0), 0);
      const costOf = new Map(records.map((record) => [record.requestId, record.cost]));
      const billedForFailures = failures.reduce((sum, outcome) => sum + (outcome.requestId ? (costOf.get(outcome.requestId) ?? 0) : 0), 0);

      const figures = {
        requests: outcomes.length,
        streamed: outcomes.filter((outcome) => outcome.streamed).length,
        successPercent: Number((successShare * 100).toFixed(3)),
        failures: countBy(failures.map((outcome) => outcome.failure ?? 'ended without finish_reason')),
        attempts,
        phasesEntered: flapping.phasesEntered(),
        breakerOpenings,
        latencyMs: { p50: Math.round(percentile(latencies, 0.5)), p99: Math.round(percentile(latencies, 0.99)), max: Math.round(latencies.at(-1)!) },
        durationMs: Math.round(durationMs),
        requestsPerSecond: Math.round(outcomes.length / (durationMs / 1000)),
        inFlight,
        openUpstreamRequests,
        connections,
        heapGrowthMiB: Number((heapGrowth / 2 ** 20).toFixed(1)),
        rssGrowthMiB: Number((rssGrowth / 2 ** 20).toFixed(1)),
        ledger: { balanceChange, recordedCost, debited, reportedCost, billedForFailures, records: records.length },
      };
      console.log(`chaos figures: ${JSON.stringify(figures, null, 2)}`);
      t.diagnostic(`chaos: ${figures.successPercent} % of ${figures.requests} whole; attempts a=${attempts.a} (reached ${attempts.aReached}, turned away ${attempts.aTurnedAway}, refused ${attempts.aRefused}) b=${attempts.b}; breaker openings ${breakerOpenings}; p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms; ${figures.durationMs} ms`);

      // The chaos happened: every kind of failure reached the gateway.
      assert.ok(attempts.aTurnedAway > 0 && attempts.aRefused > 0, 'deployment a refused, reset and failed requests');
      assert.ok(Object.values(figures.phasesEntered).every((count) => count > 0), 'every phase came round');
      assert.ok(breakerOpenings > 0, "a's breaker opened");

      assert.ok(successShare >= 0.999, `${figures.successPercent} % whole: ${figures.failures.join(', ')}`);

      assert.deepEqual(inFlight, [0, 0], 'nothing in flight once the load is over');
      assert.equal(openUpstreamRequests, 0, 'every upstream request ended: no response body left unread');
      assert.ok(connections.a <= connections.peakA && connections.a <= CONCURRENCY, `connections to a: ${connections.a}`);
      assert.ok(connections.b <= CONCURRENCY, `connections to b left open: ${connections.b} (the pool's idle keep-alives, at most one per concurrent request)`);

      assert.ok(heapGrowth < MAX_HEAP_GROWTH_BYTES, `heap grew ${figures.heapGrowthMiB} MiB`);
      assert.ok(rssGrowth < MAX_RSS_GROWTH_BYTES, `RSS grew ${figures.rssGrowthMiB} MiB`);

      assert.equal(records.length, outcomes.length, 'one usage record per request');
      assert.equal(new Set(records.map((record) => record.requestId)).size, records.length, 'no request recorded twice');
      for (const outcome of whole) assert.ok(costOf.has(outcome.requestId!), `answered request ${outcome.requestId} recorded`);
      assert.equal(balanceChange, recordedCost, 'the balance fell by the sum of the recorded costs');
      assert.equal(debited, recordedCost, 'the debits add up to it');
      assert.equal(reportedCost, recordedCost - billedForFailures, 'the answers reported what was billed for them');
      assert.equal(
        whole.reduce((sum, outcome) => sum + (costOf.get(outcome.requestId!) ?? 0), 0),
        reportedCost,
        'each answer reported its own recorded cost',
      );

      // Every connection left belonged to the pool: closing the gateway closes them all.
      await stack.close();
      closed = true;
      for (let poll = 0; poll < 100 && flapping.openConnections() + steady.openConnections() > 0; poll += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual([flapping.openConnections(), steady.openConnections()], [0, 0], 'no upstream connection outlives the gateway');
    } finally {
      if (!closed) await stack.close();
      undici.close();
      await flapping.close();
      await steady.close();
      await simulators.close();
    }
  });
});
