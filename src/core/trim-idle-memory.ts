import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

/** How often the process looks at whether it is idle. */
const CHECK_INTERVAL_MS = 2_000;
/** Idle looks in a row before a collection: V8 shrinks only in one that finds ~5 s of low allocation behind it. */
const IDLE_LOOKS = 3;
/** Event loop utilization (0–1) over the last interval under which the process counts as idle. */
const IDLE_UTILIZATION = 0.02;
/** A young generation larger than this is given back. */
const TRIM_ABOVE_BYTES = 4 * 1024 * 1024;
/** Collections tried per idle period when V8 keeps the young generation all the same. */
const MAX_ATTEMPTS = 3;

type CollectGarbage = (options?: { type: 'minor' | 'major' }) => void;
let collectGarbage: CollectGarbage | undefined;

/**
 * V8's `gc`, without starting node with --expose-gc: the flag makes `gc` a global of the contexts
 * created after it is set, so this process's own global stays as it was.
 */
function garbageCollector(): CollectGarbage {
  if (!collectGarbage) {
    v8.setFlagsFromString('--expose-gc');
    collectGarbage = vm.runInNewContext('gc') as CollectGarbage;
  }
  return collectGarbage;
}

function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.physical_space_size ?? 0;
}

/**
 * Gives the young generation back once the process is idle. V8 grows it (to 2 × 16 MB) while
 * much is allocated — loading the modules at start, a burst of requests — and shrinks it only in a
 * collection that finds the allocation rate low; a gateway with no requests allocates too little
 * to ever collect, so it kept ~33 MB it did not use (a third of its idle memory, per process of
 * `serve --workers N`). So when the event loop was idle (under 2% busy) for 6 s, one minor collection
 * runs (a few milliseconds, on an empty young generation); never under load. Returns the stop.
 * Also run in the SQLite usage thread, whose isolate grows its own.
 */
export function trimIdleMemory(): () => void {
  let last = performance.eventLoopUtilization();
  let idleLooks = 0;
  let attempts = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (utilization > IDLE_UTILIZATION) {
      idleLooks = 0;
      attempts = 0;
      return;
    }
    idleLooks += 1;
    if (idleLooks < IDLE_LOOKS || attempts >= MAX_ATTEMPTS || youngGenerationBytes() <= TRIM_ABOVE_BYTES) return;
    idleLooks = 0;
    attempts += 1;
    garbageCollector()({ type: 'minor' });
  }, CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
