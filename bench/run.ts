/**
 * `npm run bench`: what Switchyard costs on one core, measured beside the two rows that bound it
 * — the upstream alone (nginx answering canned files: the ceiling) and the floor (the least a
 * Node proxy can do, bench/floor-proxy.ts) — in one run, on this machine, the same way:
 *
 * - closed loop: wrk, N connections, a warm-up, then the measured seconds; a chat completion
 *   (JSON) and a 50-event stream (SSE);
 * - a fixed rate (1,000 req/s): latency p50/p99 from wrk paced by its Lua `delay()`, and time to
 *   first chunk of streams from a small undici client; each shown with what it adds over the
 *   upstream alone;
 * - memory: the proxy's resident memory idle, at its peak under load, and with 1,000 slow
 *   streams held open (nginx `limit_rate`).
 *
 * With taskset, the proxy under test runs on core 0 and everything else — wrk, nginx, the
 * clients, this process — on the last core, so the proxy's figures are per core. Flags: see
 * bench-options.ts or `--help`; bench/README.md says what each row means.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setTimeout as pause } from 'node:timers/promises';
import { bundleFloorProxy } from './bundle-floor-proxy.ts';
import { BENCH_USAGE, readBenchOptions, type BenchOptions, type TargetId } from './bench-options.ts';
import { STREAM_EVENTS } from './canned-answers.ts';
import { ensureTools } from './ensure-tools.ts';
import { formatMarkdownTable } from './format-markdown-table.ts';
import { GC_OBSERVER, GC_TOTALS_SETTLE_MS, readGcMilliseconds } from './gc-milliseconds.ts';
import { CAN_PIN, pinToCores } from './pin-to-cores.ts';
import { readProcessTreeCpuSeconds, readProcessTreeRss } from './read-process-tree.ts';
import { runWrk, type WrkResult } from './run-wrk.ts';
import { startCannedUpstream, SLOW_STREAM_BYTES_PER_SECOND, type CannedUpstream } from './start-canned-upstream.ts';
import { startProcess } from './start-process.ts';
import { serveTakesWorkers } from './serve-takes-workers.ts';
import { BENCH_MODEL, SLOW_MODEL, startSwitchyard } from './start-switchyard.ts';

/** One row: where to send the requests, and the process whose memory is read. */
interface Target {
  id: TargetId;
  label: string;
  url: string;
  headers: Record<string, string>;
  /** The slow stream's URL and model, for proxies (the memory row). */
  slow?: { url: string; model: string };
  pid?: number;
  /** Where its processes keep their garbage collection totals (gc-observer.mjs). */
  gcDir?: string;
}

interface FirstChunk {
  sent: number;
  ok: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

interface Figures {
  json: WrkResult;
  sse: WrkResult;
  pacedJson: WrkResult;
  pacedSse: WrkResult;
  firstChunk: FirstChunk;
  /** CPU microseconds the proxy used per request in the closed loop (all its processes and threads). */
  jsonCpuMicros?: number;
  sseCpuMicros?: number;
  /** Of that, microseconds its main threads were paused for garbage collection. */
  jsonGcMicros?: number;
  sseGcMicros?: number;
  idleRss?: number;
  peakRss?: number;
  beforeSlowRss?: number;
  slowRss?: number;
  slowNote?: string;
}

const notes: string[] = [];

/** Issue 13's per-core targets: a request may cost at most 1/target of a core-second. */
const JSON_TARGET_PER_CORE = 12_000;
const SSE_TARGET_PER_CORE = 10_000;

function requestBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say hello.' }],
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  });
}

function requestHeaders(target: Target, stream: boolean): Record<string, string> {
  return { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', ...target.headers };
}

/**
 * One request of each kind before measuring: a misconfigured target answers fast errors, and
 * wrk would report them as throughput. The stream must carry every event, usage and [DONE].
 */
async function probe(target: Target, model: string): Promise<void> {
  const json = await fetch(target.url, { method: 'POST', headers: requestHeaders(target, false), body: requestBody(model, false) });
  const jsonText = await json.text();
  if (json.status !== 200 || !String(json.headers.get('content-type')).includes('application/json') || !jsonText.includes('"choices"')) {
    throw new Error(`${target.label}: a chat completion answered ${json.status} ${json.headers.get('content-type')}: ${jsonText.slice(0, 500)}`);
  }
  const sse = await fetch(target.url, { method: 'POST', headers: requestHeaders(target, true), body: requestBody(model, true) });
  const sseText = await sse.text();
  const events = sseText.split('\n').filter((line) => line.startsWith('data: '));
  if (sse.status !== 200 || !String(sse.headers.get('content-type')).includes('text/event-stream') || events.length < STREAM_EVENTS + 1 || events.at(-1) !== 'data: [DONE]' || !events.at(-2)?.includes('"usage"')) {
    throw new Error(`${target.label}: a stream answered ${sse.status} ${sse.headers.get('content-type')} with ${events.length} data lines (want ${STREAM_EVENTS} events, usage last, then [DONE]): ${sseText.slice(0, 500)}`);
  }
}

/** How long a target rests after start (and its probe) before its idle memory is read: longer than the 6 s of idleness after which serve gives memory back. */
const IDLE_SETTLE_MS = 10_000;

/** Samples a process tree's memory every 250 ms until stopped; returns the peak in MB. */
function sampleRss(pid: number | undefined): () => number | undefined {
  if (pid === undefined) return () => undefined;
  let peak = readProcessTreeRss(pid);
  const timer = setInterval(() => (peak = Math.max(peak, readProcessTreeRss(pid))), 250);
  return () => {
    clearInterval(timer);
    return Math.max(peak, readProcessTreeRss(pid));
  };
}

/** Runs a bench client script (TypeScript, through tsx) on the load cores. */
function startClient(script: string, argument: unknown, loadCores: readonly number[]) {
  const [command, args] = pinToCores(loadCores, process.execPath, ['--import', 'tsx', `bench/${script}`, JSON.stringify(argument)]);
  return spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
}

function firstLine(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    stream.on('data', (data: Buffer) => {
      output += data.toString();
      const match = output.match(pattern);
      if (match) resolve(match[0]);
    });
    stream.once('end', () => reject(new Error(`no line matching ${pattern}:\n${output}`)));
  });
}

/** Per request of a closed-loop run: the CPU microseconds the proxy spent, and its garbage collection pauses (undefined where not measured). */
interface PerRequestCost {
  cpuMicros?: number;
  gcMicros?: number;
}

/** A closed-loop run and what a request of it cost the proxy: CPU time from /proc, GC pauses from gc-observer.mjs. */
async function withCostPerRequest(target: Target, seconds: number, run: () => Promise<WrkResult>): Promise<[WrkResult, PerRequestCost]> {
  const { pid, gcDir } = target;
  // The observer writes its totals every 100 ms: what the warm-up collected is in before the reading.
  if (gcDir) await pause(GC_TOTALS_SETTLE_MS);
  const gcBefore = gcDir ? readGcMilliseconds(gcDir) : Number.NaN;
  const cpuBefore = pid === undefined ? Number.NaN : readProcessTreeCpuSeconds(pid);
  const result = await run();
  const cpuUsed = pid === undefined ? Number.NaN : readProcessTreeCpuSeconds(pid) - cpuBefore;
  if (gcDir) await pause(GC_TOTALS_SETTLE_MS);
  const gcUsed = gcDir ? readGcMilliseconds(gcDir) - gcBefore : Number.NaN;
  const requests = result.requestsPerSecond * seconds;
  const perRequest = (total: number) => (Number.isFinite(total) && requests > 0 ? total / requests : undefined);
  return [result, { cpuMicros: perRequest(cpuUsed * 1e6), gcMicros: perRequest(gcUsed * 1e3) }];
}

async function measure(target: Target, model: string, options: BenchOptions, context: { wrk: string; folder: string; loadCores: readonly number[] }): Promise<Figures> {
  await probe(target, model);
  // At rest, not in the wake of start-up: a process that allocated much (loading its modules) keeps V8's grown young generation until a collection (serve gives it back once idle: server/trim-idle-memory.ts).
  await pause(IDLE_SETTLE_MS);
  const idleRss = target.pid === undefined ? undefined : readProcessTreeRss(target.pid);
  const wrk = (stream: boolean, seconds: number, rate?: number) =>
    runWrk({ wrk: context.wrk, url: target.url, body: requestBody(model, stream), headers: requestHeaders(target, stream), connections: options.connections, threads: options.threads, seconds, rate, cores: context.loadCores, folder: context.folder });

  process.stderr.write(`${target.label}: closed loop …`);
  const stopSampling = sampleRss(target.pid);
  await wrk(false, options.warmupSeconds);
  const [json, jsonCost] = await withCostPerRequest(target, options.durationSeconds, () => wrk(false, options.durationSeconds));
  await wrk(true, options.warmupSeconds);
  const [sse, sseCost] = await withCostPerRequest(target, options.durationSeconds, () => wrk(true, options.durationSeconds));
  const peakRss = stopSampling();

  process.stderr.write(' fixed rate …');
  const pacedJson = await wrk(false, options.rateSeconds, options.rate);
  const pacedSse = await wrk(true, options.rateSeconds, options.rate);
  const client = startClient('first-chunk-client.ts', { url: target.url, body: requestBody(model, true), headers: requestHeaders(target, true), rate: options.rate, seconds: options.rateSeconds, warmupSeconds: Math.min(1, options.warmupSeconds), connections: options.connections }, context.loadCores);
  const firstChunk = JSON.parse(await firstLine(client.stdout!, /\{.*\}/)) as FirstChunk;
  if (client.exitCode === null) await once(client, 'exit');

  const figures: Figures = { json, sse, pacedJson, pacedSse, firstChunk, jsonCpuMicros: jsonCost.cpuMicros, sseCpuMicros: sseCost.cpuMicros, jsonGcMicros: jsonCost.gcMicros, sseGcMicros: sseCost.gcMicros, idleRss, peakRss };
  if (target.slow && target.pid !== undefined) {
    process.stderr.write(` ${options.slowStreams} slow streams …`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    figures.beforeSlowRss = readProcessTreeRss(target.pid);
    const holder = startClient('slow-streams-client.ts', { url: target.slow.url, body: requestBody(target.slow.model, true), headers: requestHeaders(target, true), count: options.slowStreams }, context.loadCores);
    const status = await firstLine(holder.stdout!, /(open|failed) .*/);
    if (status.startsWith('failed')) {
      figures.slowNote = `${target.label}: the slow streams could not all be opened (${status})`;
    } else {
      const stopSlowSampling = sampleRss(target.pid);
      await new Promise((resolve) => setTimeout(resolve, options.slowHoldSeconds * 1000));
      figures.slowRss = stopSlowSampling();
      if (!status.includes('ended early: 0')) figures.slowNote = `${target.label}: some slow streams ended before memory was read (${status})`;
    }
    holder.stdin!.end();
    await once(holder, 'exit');
  }
  process.stderr.write(' done\n');
  return figures;
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const milliseconds = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
const megabytes = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(0));
const ratio = (value: number, floor: number) => (Number.isFinite(value / floor) ? `${(value / floor).toFixed(2)}×` : '–');
const signed = (difference: number, format: (value: number) => string) => `${difference >= 0 ? '+' : '−'}${format(Math.abs(difference))}`;
const added = (value: number, base: number | undefined) => (base === undefined ? milliseconds(value) : `${milliseconds(value)} (${signed(value - base, milliseconds)})`);

function report(options: BenchOptions, rows: { target: Target; figures: Figures }[], header: string[]): string {
  const upstream = rows.find((row) => row.target.id === 'upstream')?.figures;
  const floor = rows.find((row) => row.target.id === 'floor')?.figures;
  const switchyard = rows.find((row) => row.target.id === 'switchyard')?.figures;
  const flag = (result: WrkResult) => (result.errors > 0 ? '!' : '');

  const closed = rows.map(({ target, figures }) => [
    target.label,
    count(figures.json.requestsPerSecond) + flag(figures.json),
    milliseconds(figures.json.p99Ms),
    count(figures.sse.requestsPerSecond) + flag(figures.sse),
    milliseconds(figures.sse.p99Ms),
    megabytes(figures.peakRss),
  ]);
  if (floor && switchyard) {
    closed.push([
      'Switchyard ÷ floor',
      ratio(switchyard.json.requestsPerSecond, floor.json.requestsPerSecond),
      ratio(switchyard.json.p99Ms, floor.json.p99Ms),
      ratio(switchyard.sse.requestsPerSecond, floor.sse.requestsPerSecond),
      ratio(switchyard.sse.p99Ms, floor.sse.p99Ms),
      floor.peakRss && switchyard.peakRss ? ratio(switchyard.peakRss, floor.peakRss) : '–',
    ]);
  }
  if (floor && upstream) {
    closed.push(['floor ÷ upstream alone', ratio(floor.json.requestsPerSecond, upstream.json.requestsPerSecond), ratio(floor.json.p99Ms, upstream.json.p99Ms), ratio(floor.sse.requestsPerSecond, upstream.sse.requestsPerSecond), ratio(floor.sse.p99Ms, upstream.sse.p99Ms), '–']);
  }

  const base = (target: Target) => (target.id === 'upstream' ? undefined : upstream);
  const paced = rows.map(({ target, figures }) => [
    target.label,
    count(figures.pacedJson.requestsPerSecond) + flag(figures.pacedJson),
    added(figures.pacedJson.p50Ms, base(target)?.pacedJson.p50Ms),
    added(figures.pacedJson.p99Ms, base(target)?.pacedJson.p99Ms),
    count(figures.pacedSse.requestsPerSecond) + flag(figures.pacedSse),
    added(figures.pacedSse.p50Ms, base(target)?.pacedSse.p50Ms),
    added(figures.pacedSse.p99Ms, base(target)?.pacedSse.p99Ms),
    added(figures.firstChunk.p50Ms, base(target)?.firstChunk.p50Ms),
    added(figures.firstChunk.p99Ms, base(target)?.firstChunk.p99Ms),
  ]);

  const micros = (value: number | undefined) => (value === undefined ? '–' : Math.round(value).toLocaleString('en-US'));
  const cpu = rows
    .filter(({ figures }) => figures.jsonCpuMicros !== undefined || figures.sseCpuMicros !== undefined)
    .map(({ target, figures }) => [target.label, micros(figures.jsonCpuMicros), micros(figures.jsonGcMicros), micros(figures.sseCpuMicros), micros(figures.sseGcMicros)]);
  if (cpu.length > 0 && floor?.jsonCpuMicros && floor.sseCpuMicros && switchyard?.jsonCpuMicros && switchyard.sseCpuMicros) {
    // A GC figure not measured is NaN here, which ratio shows as –.
    cpu.push(['Switchyard ÷ floor', ratio(switchyard.jsonCpuMicros, floor.jsonCpuMicros), ratio(switchyard.jsonGcMicros ?? Number.NaN, floor.jsonGcMicros ?? Number.NaN), ratio(switchyard.sseCpuMicros, floor.sseCpuMicros), ratio(switchyard.sseGcMicros ?? Number.NaN, floor.sseGcMicros ?? Number.NaN)]);
  }
  if (cpu.length > 0) cpu.push([`issue 13's per-core target (${count(JSON_TARGET_PER_CORE)} JSON/s, ${count(SSE_TARGET_PER_CORE)} SSE/s)`, micros(1e6 / JSON_TARGET_PER_CORE), '–', micros(1e6 / SSE_TARGET_PER_CORE), '–']);

  const memory = rows
    .filter(({ target }) => target.pid !== undefined)
    .map(({ target, figures }) => [
      target.label,
      megabytes(figures.idleRss),
      megabytes(figures.peakRss),
      megabytes(figures.beforeSlowRss),
      megabytes(figures.slowRss),
      figures.slowRss !== undefined && figures.beforeSlowRss !== undefined ? signed(figures.slowRss - figures.beforeSlowRss, megabytes) : '–',
    ]);

  for (const { target, figures } of rows) {
    for (const [name, result] of [['closed-loop JSON', figures.json], ['closed-loop SSE', figures.sse], ['paced JSON', figures.pacedJson], ['paced SSE', figures.pacedSse]] as const) {
      if (result.errors > 0) notes.push(`! ${target.label}, ${name}: ${count(result.errors)} errors (connect, read, write, timeout or non-2xx) — its figures are not comparable.`);
    }
    for (const [name, result] of [['paced JSON', figures.pacedJson], ['paced SSE', figures.pacedSse]] as const) {
      if (result.requestsPerSecond < options.rate * 0.95) notes.push(`${target.label}, ${name}: reached ${count(result.requestsPerSecond)} of ${count(options.rate)} req/s.`);
    }
    if (figures.firstChunk.errors > 0) notes.push(`! ${target.label}, first chunk: ${figures.firstChunk.errors} of ${figures.firstChunk.sent} requests failed.`);
    if (figures.slowNote) notes.push(figures.slowNote);
  }

  return [
    ...header,
    '',
    `Closed loop: ${options.connections} connections, ${options.threads} wrk thread(s), ${options.durationSeconds} s after a ${options.warmupSeconds} s warm-up; RSS is the peak during it.`,
    '',
    formatMarkdownTable(['target', 'JSON req/s', 'p99 ms', `SSE req/s (${STREAM_EVENTS} events)`, 'p99 ms', 'RSS MB'], closed),
    '',
    ...(cpu.length === 0
      ? []
      : [
          'CPU per request in those closed-loop runs: microseconds of user and system time of the proxy (all its processes and threads) over the measured run, divided by the requests it answered — what a request costs, however busy its core was. Of it GC: the pauses of its main threads for garbage collection (Node\'s `gc` performance entries), steadier run to run than req/s.',
          '',
          formatMarkdownTable(['target', 'JSON µs CPU / request', 'of it GC', 'SSE µs CPU / request', 'of it GC'], cpu),
          '',
        ]),
    `Fixed rate: ${count(options.rate)} req/s for ${options.rateSeconds} s (wrk paced over ${options.connections} connections; first chunk from an undici client at the same rate). In brackets: added over the upstream alone.`,
    '',
    formatMarkdownTable(['target', 'JSON req/s', 'p50 ms', 'p99 ms', 'SSE req/s', 'p50 ms', 'p99 ms', 'first chunk p50 ms', 'p99 ms'], paced),
    '',
    ...(memory.length === 0
      ? []
      : [
          `Memory (resident, MB, the process and its children): idle (${IDLE_SETTLE_MS / 1000} s after start, no traffic), peak under the closed loop, then ${count(options.slowStreams)} slow streams held open (nginx limit_rate ${SLOW_STREAM_BYTES_PER_SECOND} B/s, about 45 s each) for ${options.slowHoldSeconds} s.`,
          '',
          formatMarkdownTable(['target', 'idle', 'peak under load', 'before slow streams', `with ${count(options.slowStreams)} slow streams`, 'added by them'], memory),
        ]),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}

function describeCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim() !== '';
    return `commit ${commit}${dirty ? ' + uncommitted changes in src/' : ''}`;
  } catch {
    return 'commit unknown';
  }
}

async function main(): Promise<void> {
  const options = readBenchOptions(process.argv.slice(2), process.env);
  if (options === 'help') {
    console.log(BENCH_USAGE);
    return;
  }
  const tools = ensureTools();
  const cores = availableParallelism();
  const pinning = CAN_PIN && cores >= 2;
  const loadCores = pinning ? [cores - 1] : [];
  const floorCores = pinning ? [0] : [];
  // One process unless --workers says otherwise: serve's own default is one worker per core, which is not the one-core row.
  const takesWorkers = options.targets.includes('switchyard') && serveTakesWorkers();
  const workers = takesWorkers ? (options.workers ?? 1) : undefined;
  if (options.workers !== undefined && workers === undefined && options.targets.includes('switchyard')) notes.push(`serve has no --workers yet: --workers ${options.workers} was left out, one process measured.`);
  // N workers get cores 0…N-1; on a 2-core machine --workers 2 shares the load's core.
  const gatewayCores = pinning ? Array.from({ length: Math.max(1, Math.min(workers ?? 1, cores)) }, (_, core) => core) : [];
  if (pinning) execFileSync('taskset', ['-a', '-p', '-c', loadCores.join(','), String(process.pid)], { stdio: 'ignore' });

  const folder = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const stops: (() => Promise<void>)[] = [];
  const rows: { target: Target; figures: Figures }[] = [];
  try {
    mkdirSync(join(folder, 'nginx'));
    const upstream: CannedUpstream = await startCannedUpstream(tools.nginx, join(folder, 'nginx'), loadCores);
    stops.push(upstream.stop);
    const context = { wrk: tools.wrk, folder, loadCores };

    for (const id of options.targets) {
      if (id === 'upstream') {
        const target: Target = { id, label: 'upstream alone (nginx)', url: `${upstream.baseUrl}/chat/completions`, headers: {} };
        rows.push({ target, figures: await measure(target, BENCH_MODEL, options, context) });
      } else if (id === 'floor') {
        const gcDir = join(folder, 'gc-floor');
        mkdirSync(gcDir);
        const [command, args] = pinToCores(floorCores, process.execPath, ['--import', GC_OBSERVER, await bundleFloorProxy(folder)]);
        const floor = await startProcess(command, args, { env: { ...process.env, PORT: '0', FLOOR_UPSTREAM: new URL(upstream.baseUrl).origin, BENCH_GC_DIR: gcDir }, ready: /listening (\d+)/ });
        try {
          const url = `http://127.0.0.1:${floor.match[1]}`;
          const target: Target = { id, label: 'floor (node:http + undici)', url: `${url}${new URL(upstream.baseUrl).pathname}/chat/completions`, headers: {}, slow: { url: `${url}${new URL(upstream.slowBaseUrl).pathname}/chat/completions`, model: BENCH_MODEL }, pid: floor.child.pid, gcDir };
          // A proxy that ends mid-run fails the run with its exit code and stderr, not with wrk's refused connections.
          rows.push({ target, figures: await Promise.race([measure(target, BENCH_MODEL, options, context), floor.exited]) });
        } finally {
          await floor.stop();
        }
      } else {
        const dataDir = join(folder, 'switchyard');
        mkdirSync(dataDir);
        const gcDir = join(folder, 'gc-switchyard');
        mkdirSync(gcDir);
        const switchyard = await startSwitchyard({ dataDir, upstreamBaseUrl: upstream.baseUrl, slowBaseUrl: upstream.slowBaseUrl, cores: gatewayCores, workers, gcDir });
        try {
          const workersLabel = workers === undefined || workers === 1 ? '' : `, --workers ${workers}`;
          const headers = { authorization: `Bearer ${switchyard.key}` };
          const target: Target = { id, label: `Switchyard (serve, SQLite${workersLabel})`, url: `${switchyard.url}/v1/chat/completions`, headers, slow: { url: `${switchyard.url}/v1/chat/completions`, model: SLOW_MODEL }, pid: switchyard.pid, gcDir };
          rows.push({ target, figures: await Promise.race([measure(target, BENCH_MODEL, options, context), switchyard.exited]) });
        } finally {
          await switchyard.stop();
        }
      }
    }

    const nginxVersion = spawnSync(tools.nginx, ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '');
    const pinned = pinning
      ? `the proxy under test on core${gatewayCores.length > 1 ? 's 0 (the floor) and' : ''} ${gatewayCores.join(',')}${gatewayCores.length > 1 ? ' (Switchyard)' : ''}; wrk, nginx, the clients and this process on core ${loadCores.join(',')}${gatewayCores.includes(loadCores[0]) ? ' — shared with Switchyard: its figures are informative only' : ''}`
      : 'not pinned (no taskset, or one core): every figure shares its core with the load';
    const header = [
      `# Switchyard bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${describeCommit()}${options.quick ? ' — QUICK RUN: noisy, for development only' : ''}`,
      `Node ${process.version}, ${cores} cores, ${pinned}.`,
      `Upstream: ${nginxVersion} serving a chat completion and a ${STREAM_EVENTS}-event stream as static files; model ${BENCH_MODEL} passed through; org with credit, limits on but far above the load.`,
    ];
    console.log(report(options, rows, header));
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
