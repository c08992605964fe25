/**
 * Time to first chunk at a fixed rate: stream requests sent on a schedule (not in a closed
 * loop, so a slow answer does not slow the load), each timed from sending to its first body
 * byte. wrk times whole answers only, hence this small client. It runs beside wrk's core.
 *
 * `node --import tsx bench/first-chunk-client.ts` with a JSON argument
 * `{ url, body, headers, rate, seconds, warmupSeconds, connections }`; prints one JSON line
 * `{ sent, ok, errors, p50Ms, p99Ms }`.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile } from './percentile.ts';

interface FirstChunkRun {
  url: string;
  body: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

const run = JSON.parse(process.argv[2]) as FirstChunkRun;
const url = new URL(run.url);
const pool = new Pool(url.origin, { connections: run.connections });
const timings: number[] = [];
let errors = 0;

async function send(counted: boolean): Promise<void> {
  const start = performance.now();
  try {
    const answer = await pool.request({ path: url.pathname, method: 'POST', headers: run.headers, body: run.body });
    let first = true;
    for await (const _chunk of answer.body) {
      if (first && counted) timings.push(performance.now() - start);
      first = false;
    }
    if (answer.statusCode !== 200 && counted) errors += 1;
  } catch {
    if (counted) errors += 1;
  }
}

/** Sends `rate` requests a second for `seconds`, catching up on timer lateness, then waits for all. */
async function schedule(seconds: number, counted: boolean): Promise<number> {
  const total = Math.round(run.rate * seconds);
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * run.rate) / 1000) + 1);
    for (; sent < due; sent += 1) pending.push(send(counted));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return total;
}

await schedule(run.warmupSeconds, false);
const sent = await schedule(run.seconds, true);
timings.sort((a, b) => a - b);
console.log(JSON.stringify({ sent, ok: timings.length, errors, p50Ms: percentile(timings, 50), p99Ms: percentile(timings, 99) }));
await pool.close();
