import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import { boundRequestCost } from '../../src/metering/bound-request-cost.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { openStore } from '../../src/store/open-store.ts';

/**
 * `switchyard serve --workers 2` without Redis, as an operator runs it on one machine: two worker
 * processes on one port, the primary the one owner of balances, reservations, rate windows and
 * the usage writer. Under concurrent load from one organization whose credit runs out midway, both
 * workers serve, the credit is spent exactly once (records, debits and balance agree) and is
 * overdrawn by less than one request's reservation, as with one process; `/metrics` counts every
 * worker's requests; a worker killed is replaced; SIGTERM ends it all with nothing lost.
 */

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPOSITORY, 'bin', 'switchyard.js');
const MODEL = 'gpt-5-mini';
const TOTAL = 300;
const CONCURRENCY = 24;
const run = promisify(execFile);

/** The organization's balance as the gateway admits against it (the primary's, through whichever worker answers), in micro-credits; free. */
async function liveBalance(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/v1/credits`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { balance_micros: number }).balance_micros;
}

function body(index: number, stream: boolean) {
  return { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: `Request ${index}: say something short.` }], ...(stream && { stream: true, stream_options: { include_usage: true } }) };
}

describe('serve --workers 2 without Redis: one port, one owner of the counters', () => {
  let simulators: Simulators;
  let dataDir: string;
  let environment: Record<string, string>;
  let serve: ChildProcess | undefined;
  const lines: string[] = [];

  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { cwd: REPOSITORY, env: { ...process.env, ...environment } })).stdout;

  before(async () => {
    simulators = await startSimulators({ port: 0 });
    dataDir = mkdtempSync(join(tmpdir(), 'switchyard-workers-'));
    environment = { SWITCHYARD_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', OPENAI_API_KEY: 'sk-workers-provider-key', OPENAI_BASE_URL: simulators.baseUrls.openai };
  });
  after(async () => {
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await simulators.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('both workers serve, credit is spent once and overdrawn by less than a reservation, metrics add up, a killed worker is replaced, SIGTERM loses nothing', { timeout: 120_000 }, async (t) => {
    await cli('orgs', 'create', 'acme');
    const key = (await cli('keys', 'create', '--org', 'acme', '--name', 'load')).trim().split('\n').at(-1)!.trim();
    await cli('credits', 'add', '--org', 'acme', '--amount', '0.004');
    serve = spawn(process.execPath, [CLI, 'serve', '--workers', '2'], { cwd: REPOSITORY, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(serve, 'exit');
    let stderr = '';
    serve.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const urls: string[] = [];
    const bothListening = new Promise<void>((resolve, reject) => {
      createInterface({ input: serve!.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.includes('switchyard is listening')) urls.push(String(JSON.parse(line).url));
        if (urls.length === 2) resolve();
      });
      void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
    });
    await bothListening;
    assert.equal(urls[0], urls[1], 'the workers share one port');
    const url = urls[0]!;

    // Calibration (credit added before the start: the primary loads it then), then a top-up that runs out about midway.
    const costs: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body(index, false)) });
      assert.equal(response.status, 200);
      costs.push(Math.round(((await response.json()) as { usage: { cost: number } }).usage.cost * 1_000_000));
    }
    const average = costs.reduce((sum, cost) => sum + cost, 0) / costs.length;
    const topUp = ((average * TOTAL * 0.5) / 1_000_000).toFixed(6);
    const balanceBefore = await liveBalance(url, key);
    await cli('credits', 'add', '--org', 'acme', '--amount', topUp);
    // The primary reads a top-up made by another process at its next balance refresh (every 5 s): the load starts once it has
    // (a fixed pause of 5.5 s left too little room for a late refresh on a loaded machine, and the load then met the old balance).
    const toppedUpAt = performance.now();
    while ((await liveBalance(url, key)) < balanceBefore + Math.round(Number(topUp) * 1_000_000)) {
      assert.ok(performance.now() - toppedUpAt < 30_000, 'the primary read the top-up');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    t.diagnostic(`the primary read the top-up after ${Math.round(performance.now() - toppedUpAt)} ms`);
    const reservation = boundRequestCost(body(TOTAL, true), BUILTIN_MODELS.find((model) => model.id === MODEL)!);

    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < TOTAL) {
          const index = next++;
          const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body(index, index % 3 === 0)) });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    t.diagnostic(`statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok((statuses.get(200) ?? 0) > TOTAL * 0.2, 'requests served');
    assert.ok((statuses.get(402) ?? 0) > 0, 'the credit ran out');
    assert.deepEqual([...statuses.keys()].filter((status) => status !== 200 && status !== 402), [], 'nothing but 200 and 402');

    const servedBy = new Set(lines.filter((line) => line.includes('"msg":"answered"') && line.includes('"cost":')).map((line) => JSON.parse(line).pid as number));
    assert.equal(servedBy.size, 2, 'both workers served');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const counted = [...metrics.matchAll(/^switchyard_requests_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    assert.equal(counted, TOTAL + costs.length, '/metrics counts every worker');

    // A worker killed outright is replaced, and the gateway serves on.
    const pids = [...servedBy];
    process.kill(pids[0]!, 'SIGKILL');
    // The primary says so, and its replacement says it listens (a second after the end): waited for, not a fixed pause.
    const killedAt = performance.now();
    while (!lines.some((line) => line.includes('a worker ended; starting another')) || urls.length < 3) {
      assert.ok(performance.now() - killedAt < 30_000, `the killed worker was replaced: ${lines.slice(-5).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const after = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(after.status, 200);
    assert.ok(lines.some((line) => line.includes('a worker ended; starting another')));

    serve.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0, `a clean exit: ${stderr}`);

    const store = openStore({ dataDir });
    try {
      const records = await store.listUsageRecords({ limit: 100_000 });
      const ledger = await store.listLedgerEntries({ limit: 100_000 });
      const served = records.filter((record) => record.status === 200);
      assert.equal(served.length, (statuses.get(200) ?? 0) + costs.length, 'a usage record for every request served');
      const debits = ledger.filter((entry) => entry.kind === 'debit');
      assert.equal(debits.length, served.filter((record) => record.cost > 0).length, 'one debit per billed request');
      assert.equal(-debits.reduce((sum, entry) => sum + entry.amount, 0), served.reduce((sum, record) => sum + record.cost, 0), 'debits and records agree');
      const balance = (await store.listBalances()).values().next().value ?? 0;
      t.diagnostic(`balance ${balance} µ; one reservation ≤ ${reservation} µ`);
      assert.ok(balance > -reservation, `overdrawn by less than one reservation (${balance})`);
    } finally {
      await store.close();
    }
  });

  test('a key\'s request window is one across the workers: its limit holds whichever worker answers', { timeout: 60_000 }, async () => {
    const LIMIT = 6;
    const own = mkdtempSync(join(tmpdir(), 'switchyard-workers-rates-'));
    const env = { ...environment, SWITCHYARD_DATA_DIR: own };
    const command = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { cwd: REPOSITORY, env: { ...process.env, ...env } })).stdout;
    await command('orgs', 'create', 'limited');
    await command('credits', 'add', '--org', 'limited', '--amount', '1');
    const key = (await command('keys', 'create', '--org', 'limited', '--name', 'six-a-minute', '--rpm', String(LIMIT))).trim().split('\n').at(-1)!.trim();
    const limited = spawn(process.execPath, [CLI, 'serve', '--workers', '2'], { cwd: REPOSITORY, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(limited, 'exit');
    try {
      const output: string[] = [];
      const listening: string[] = [];
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: limited.stdout! }).on('line', (line) => {
          output.push(line);
          if (line.includes('switchyard is listening')) listening.push(String(JSON.parse(line).url));
          if (listening.length === 2) resolve();
        });
        void exited.then(() => reject(new Error('serve exited')));
      });
      const url = listening[0]!;
      // Twice the limit at once, each on a connection of its own: the primary deals connections to the workers in turn.
      const answers = await Promise.all(
        Array.from({ length: LIMIT * 2 }, async (_, index) => {
          const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify(body(index, false)) });
          const json = (await response.json()) as { error?: { code?: string } };
          return { status: response.status, remaining: response.headers.get('x-ratelimit-remaining-requests'), limit: response.headers.get('x-ratelimit-limit-requests'), code: json.error?.code };
        }),
      );
      const served = answers.filter((answer) => answer.status === 200);
      const refused = answers.filter((answer) => answer.status === 429);
      assert.equal(served.length, LIMIT, `exactly the limit served: ${JSON.stringify(answers)}`);
      assert.equal(refused.length, LIMIT, 'the rest refused');
      assert.ok(refused.every((answer) => answer.code === 'requests_per_minute_exceeded' && answer.limit === String(LIMIT)));
      // One window: each request admitted took the next point of it, whichever worker admitted it.
      assert.deepEqual(served.map((answer) => Number(answer.remaining)).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
      // Access lines are written in batches (every 100 ms): waited for.
      const answered = () => output.filter((line) => line.includes('"msg":"answered"') && line.includes('"route":"/v1/chat/completions"'));
      for (const started = performance.now(); answered().length < answers.length && performance.now() - started < 10_000; ) await new Promise((resolve) => setTimeout(resolve, 50));
      const answeredBy = new Set(answered().map((line) => JSON.parse(line).pid as number));
      assert.equal(answeredBy.size, 2, 'both workers answered the key');
    } finally {
      limited.kill('SIGTERM');
      await exited;
      rmSync(own, { recursive: true, force: true });
    }
  });
});
