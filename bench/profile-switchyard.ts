import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { runWrk } from './run-wrk.ts';
import { startCannedUpstream } from './start-canned-upstream.ts';
import { BENCH_MODEL } from './start-switchyard.ts';

/**
 * A CPU profile of `serve` under the bench's closed-loop load (`node --import tsx
 * bench/profile-switchyard.ts [json|stream] [seconds]`): the same upstream, pinning and setup as
 * `npm run bench`, with `--cpu-prof` on the gateway; the .cpuprofile lands in $PROFILE_DIR
 * (default /tmp/switchyard-profile), readable in Chrome's DevTools or `bench/summarize-profile.ts`.
 */
const kind = process.argv[2] === 'stream' ? 'stream' : 'json';
const seconds = Number(process.argv[3] ?? 10);
const profileDir = process.env.PROFILE_DIR ?? '/tmp/switchyard-profile';
const folder = mkdtempSync(join(tmpdir(), 'switchyard-profile-'));
const upstream = await startCannedUpstream('nginx', folder, [1]);
const { startSwitchyard } = await import('./start-switchyard.ts');
const gateway = await startSwitchyard({ dataDir: folder, upstreamBaseUrl: upstream.baseUrl, slowBaseUrl: upstream.slowBaseUrl, cores: [0], workers: 1, nodeArguments: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
const body = JSON.stringify({ model: BENCH_MODEL, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 64, ...(kind === 'stream' && { stream: true, stream_options: { include_usage: true } }) });
const headers = { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json', ...(kind === 'stream' && { accept: 'text/event-stream' }) };
const result = await runWrk({ wrk: 'wrk', url: `${gateway.url}/v1/chat/completions`, body, headers, connections: 64, threads: 1, seconds, cores: [1], folder });
console.log(JSON.stringify(result));
await gateway.stop();
await upstream.stop();
await pause(500);
console.log(readdirSync(profileDir).map((name) => join(profileDir, name)).join('\n'));
