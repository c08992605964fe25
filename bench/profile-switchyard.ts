import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { findCommand } from './ensure-tools.ts';
import { runWrk } from './run-wrk.ts';
import { startCannedUpstream } from './start-canned-upstream.ts';
import { BENCH_MODEL } from './start-switchyard.ts';

/**
 * A CPU profile of `serve` under the bench's closed-loop load (`node --import tsx
 * bench/profile-switchyard.ts [json|stream] [seconds] [perf]`): the same upstream, pinning and
 * setup as `npm run bench`, with `--cpu-prof` on the gateway; the .cpuprofile lands in $PROFILE_DIR
 * (default /tmp/switchyard-profile), readable in Chrome's DevTools or `bench/summarize-profile.ts`.
 *
 * With `perf`: Linux `perf` samples the whole process instead (its kernel time, every thread — the
 * GC's helpers, the SQLite usage thread), JavaScript named through `--perf-basic-prof`; the samples
 * land in $PROFILE_DIR/perf.txt (`perf script`), for `bench/summarize-perf.ts`, with the number of
 * requests answered while they were taken.
 */
const kind = process.argv[2] === 'stream' ? 'stream' : 'json';
const seconds = Number(process.argv[3] ?? 10);
const withPerf = process.argv[4] === 'perf';
const profileDir = process.env.PROFILE_DIR ?? '/tmp/switchyard-profile';
mkdirSync(profileDir, { recursive: true });
const perf = withPerf ? findCommand('perf') : undefined;
if (withPerf && !perf) {
  console.error('perf is not installed (Debian: apt-get install linux-perf)');
  process.exit(1);
}
const folder = mkdtempSync(join(tmpdir(), 'switchyard-profile-'));
const upstream = await startCannedUpstream('nginx', folder, [1]);
const { startSwitchyard } = await import('./start-switchyard.ts');
const nodeArguments = perf ? ['--perf-basic-prof'] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
const gateway = await startSwitchyard({ dataDir: folder, upstreamBaseUrl: upstream.baseUrl, slowBaseUrl: upstream.slowBaseUrl, cores: [0], workers: 1, nodeArguments });
const body = JSON.stringify({ model: BENCH_MODEL, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 64, ...(kind === 'stream' && { stream: true, stream_options: { include_usage: true } }) });
const headers = { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json', ...(kind === 'stream' && { accept: 'text/event-stream' }) };
const load = { wrk: 'wrk', url: `${gateway.url}/v1/chat/completions`, body, headers, connections: 64, threads: 1, cores: [1], folder };
const perfData = join(profileDir, 'perf.data');
let recorder: ReturnType<typeof spawn> | undefined;
if (perf) {
  // Warmed up first, so the samples are of the optimized code; `cpu-clock` needs no hardware counters (virtual machines have none).
  await runWrk({ ...load, seconds: 5 });
  recorder = spawn(perf, ['record', '-e', 'cpu-clock', '-F', '1000', '-g', '-p', String(gateway.pid), '-o', perfData], { stdio: 'ignore' });
  await pause(500);
}
const result = await runWrk({ ...load, seconds });
console.log(JSON.stringify(result));
if (recorder) {
  const ended = new Promise((resolve) => recorder.once('exit', resolve));
  recorder.kill('SIGINT');
  await ended;
}
await gateway.stop();
await upstream.stop();
await pause(500);
if (perf) {
  const samples = join(profileDir, 'perf.txt');
  spawnSync(perf, ['script', '-i', perfData, '-F', 'pid,tid,ip,sym,dso'], { stdio: ['ignore', openSync(samples, 'w'), 'ignore'] });
  console.log(`${samples}\nnode --import tsx bench/summarize-perf.ts ${samples} ${Math.round(result.requestsPerSecond * seconds)}`);
} else {
  console.log(readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile')).map((name) => join(profileDir, name)).join('\n'));
}
