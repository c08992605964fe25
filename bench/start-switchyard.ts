import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { GC_OBSERVER } from './gc-milliseconds.ts';
import { pinToCores } from './pin-to-cores.ts';
import { startProcess, type StartedProcess } from './start-process.ts';
import { waitForHttp } from './wait-for-http.ts';

/** The built-in pass-through model the fast rows call: OpenAI chat in, the OpenAI provider out. */
export const BENCH_MODEL = 'gpt-5-mini';
/** A model of its own on the slow stream's base URL, for the memory row. */
export const SLOW_MODEL = 'bench-slow';
/** Far above any load the bench makes, so limits are counted on every request but never refuse. */
const NO_THROTTLE = ['--rpm', '1000000000', '--tpm', '1000000000000', '--concurrency', '1000000'];

export interface StartedSwitchyard {
  url: string;
  key: string;
  pid: number;
  /** Rejects when serve ends, with its exit code and the end of its stderr (a crash's trace). */
  exited: Promise<never>;
  stop(): Promise<void>;
}

/**
 * `switchyard serve` as deployed: the built `dist/`, a SQLite data folder of its own, logs at
 * `info` (stdout to /dev/null), an organization with credit whose key and organization limits are
 * on but far above the load, the fair share off (the bench is one tenant holding every
 * connection on purpose) and a provider pool big enough for the 1,000 slow streams. Set up
 * through the CLI, the interface operators use, so the bench does not depend on internals.
 * The environment is built from scratch: a DATABASE_URL, REDIS_URL or provider key of the
 * caller's shell must not change what is measured. `workers` is passed as `serve --workers`
 * (run.ts checks serve takes it). With `gcDir`, every process of it counts its garbage collection
 * pauses there (gc-observer.mjs).
 */
export async function startSwitchyard(options: { dataDir: string; upstreamBaseUrl: string; slowBaseUrl: string; cores: readonly number[]; workers?: number; nodeArguments?: readonly string[]; gcDir?: string }): Promise<StartedSwitchyard> {
  const config = join(options.dataDir, 'switchyard.yaml');
  writeFileSync(
    config,
    `# Written by bench/start-switchyard.ts.
providers:
  openai: { apiKey: bench-provider-key, baseUrl: ${options.upstreamBaseUrl} }
  bench-slow: { type: openai-compatible, apiKey: bench-provider-key, baseUrl: ${options.slowBaseUrl} }
models:
  - id: ${SLOW_MODEL}
    provider: bench-slow
    upstreamId: ${BENCH_MODEL}
    contextWindow: 400000
    maxOutputTokens: 128000
    pricing: { input: 0.25, cachedInput: 0.025, output: 2 }
`,
  );
  const port = await freePort();
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOST: '127.0.0.1',
    PORT: String(port),
    SWITCHYARD_DATA_DIR: options.dataDir,
    OPENAI_API_KEY: 'bench-provider-key',
    OPENAI_BASE_URL: options.upstreamBaseUrl,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    SWITCHYARD_PROVIDER_CONNECTIONS: '4096',
    SWITCHYARD_ORGANIZATION_SHARE_PERCENT: '100',
  };
  const gcObserver = options.gcDir ? ['--import', GC_OBSERVER] : [];
  const cli = (...args: string[]) => execFileSync(process.execPath, ['bin/switchyard.js', ...args, '--config', config], { env: { ...environment, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
  cli('orgs', 'create', 'bench');
  cli('credits', 'add', '--org', 'bench', '--amount', '1000000');
  cli('orgs', 'limits', 'bench', ...NO_THROTTLE);
  const key = cli('keys', 'create', '--org', 'bench', '--name', 'bench', ...NO_THROTTLE).trim().split('\n').at(-1)!.trim();

  const workers = options.workers;
  const [command, args] = pinToCores(options.cores, process.execPath, [...gcObserver, ...(options.nodeArguments ?? []), 'bin/switchyard.js', 'serve', '--config', config, ...(workers === undefined ? [] : ['--workers', String(workers)])]);
  const started: StartedProcess = await startProcess(command, args, { env: options.gcDir ? { ...environment, BENCH_GC_DIR: options.gcDir } : environment, ignoreStdout: true });
  const url = `http://127.0.0.1:${port}`;
  await Promise.race([waitForHttp(`${url}/healthz`, 60_000), started.exited]);
  return { url, key, pid: started.child.pid!, exited: started.exited, stop: started.stop };
}
