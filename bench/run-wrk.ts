import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinToCores } from './pin-to-cores.ts';
import { wrkScript } from './wrk-script.ts';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connect, read, write and timeout errors plus non-2xx answers: any is a misconfigured run. */
  errors: number;
}

export interface WrkRun {
  wrk: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  threads: number;
  seconds: number;
  /** Requests per second for a paced run; closed loop without. */
  rate?: number;
  cores: readonly number[];
  /** Where the Lua script is written. */
  folder: string;
}

let scripts = 0;

/** One wrk run; reads the `BENCH_RESULT` line its script prints at the end. */
export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const script = join(run.folder, `wrk-${(scripts += 1)}.lua`);
  writeFileSync(script, wrkScript({ body: run.body, headers: run.headers, rate: run.rate, threads: run.threads }));
  const [command, args] = pinToCores(run.cores, run.wrk, ['-t', String(run.threads), '-c', String(run.connections), '-d', `${run.seconds}s`, '--timeout', '10s', '-s', script, run.url]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = output.match(/BENCH_RESULT (\{.*\})/);
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}):\n${output}`);
  const result = JSON.parse(line[1]) as Record<string, number>;
  return {
    requestsPerSecond: result.requests / (result.durationUs / 1e6),
    p50Ms: result.p50Us / 1000,
    p99Ms: result.p99Us / 1000,
    errors: result.connectErrors + result.readErrors + result.writeErrors + result.timeouts + result.statusErrors,
  };
}
