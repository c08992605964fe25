import { parseArgs } from 'node:util';

/** What one `npm run bench` run measures, and for how long. */
export interface BenchOptions {
  /** Closed-loop seconds per target and request kind, after `warmupSeconds` not counted. */
  durationSeconds: number;
  warmupSeconds: number;
  /** wrk's connections in the closed loop (and in the paced runs). */
  connections: number;
  /** wrk threads: one, so the load generator stays on its one core. */
  threads: number;
  /** The fixed rate (requests per second) of the paced runs and of the first-chunk client. */
  rate: number;
  rateSeconds: number;
  /** Slow streams held open at once while the proxy's memory is read. */
  slowStreams: number;
  /** How long those streams are held once all are open, memory read throughout. */
  slowHoldSeconds: number;
  /** `serve --workers N`, passed through when serve knows the flag; undefined leaves it out. */
  workers: number | undefined;
  /** Which rows to measure: any of upstream, floor, switchyard. */
  targets: TargetId[];
  quick: boolean;
}

export type TargetId = 'upstream' | 'floor' | 'switchyard';
const TARGET_IDS: readonly TargetId[] = ['upstream', 'floor', 'switchyard'];

export const BENCH_USAGE = `npm run bench -- [options]            (or: node --import tsx bench/run.ts [options], after npm run build)

  --quick               a short run for development: 2 s per measurement, 1 s warm-up (figures are noisy)
  --duration S          closed-loop seconds per target and kind (BENCH_DURATION, default 15)
  --warmup S            warm-up seconds before each measurement (BENCH_WARMUP, default 5)
  --connections N       wrk connections (BENCH_CONNECTIONS, default 64)
  --threads N           wrk threads (BENCH_THREADS, default 1)
  --rate N              fixed rate, requests per second (BENCH_RATE, default 1000)
  --rate-duration S     seconds of each fixed-rate measurement (BENCH_RATE_DURATION, default 10)
  --slow-streams N      slow streams held open for the memory row (BENCH_SLOW_STREAMS, default 1000)
  --workers N           pass serve --workers N (ignored with a warning while serve has no such flag)
  --targets LIST        comma-separated subset of upstream,floor,switchyard (default: all three)
  --help`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number (got ${JSON.stringify(value)})`);
  return parsed;
}

/** Flags win over the BENCH_* environment, which wins over the defaults (or the quick defaults). */
export function readBenchOptions(argv: string[], environment: NodeJS.ProcessEnv): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: environment.BENCH_QUICK === '1' },
      duration: { type: 'string', default: environment.BENCH_DURATION },
      warmup: { type: 'string', default: environment.BENCH_WARMUP },
      connections: { type: 'string', default: environment.BENCH_CONNECTIONS },
      threads: { type: 'string', default: environment.BENCH_THREADS },
      rate: { type: 'string', default: environment.BENCH_RATE },
      'rate-duration': { type: 'string', default: environment.BENCH_RATE_DURATION },
      'slow-streams': { type: 'string', default: environment.BENCH_SLOW_STREAMS },
      workers: { type: 'string', default: environment.BENCH_WORKERS },
      targets: { type: 'string', default: environment.BENCH_TARGETS },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const targets = (values.targets ?? TARGET_IDS.join(',')).split(',').map((target) => target.trim()).filter(Boolean);
  for (const target of targets) {
    if (!(TARGET_IDS as readonly string[]).includes(target)) throw new Error(`--targets: unknown target ${JSON.stringify(target)} (known: ${TARGET_IDS.join(', ')})`);
  }
  return {
    durationSeconds: positive('--duration', values.duration, quick ? 2 : 15),
    warmupSeconds: positive('--warmup', values.warmup, quick ? 1 : 5),
    connections: Math.round(positive('--connections', values.connections, 64)),
    threads: Math.round(positive('--threads', values.threads, 1)),
    rate: positive('--rate', values.rate, 1000),
    rateSeconds: positive('--rate-duration', values['rate-duration'], quick ? 2 : 10),
    slowStreams: Math.round(positive('--slow-streams', values['slow-streams'], 1000)),
    slowHoldSeconds: quick ? 1 : 3,
    workers: values.workers === undefined ? undefined : Math.round(positive('--workers', values.workers, 1)),
    // Always in the same order, so the floor is measured before the rows compared with it.
    targets: TARGET_IDS.filter((target) => targets.includes(target)),
    quick,
  };
}
