/**
 * Preloaded (`node --import`) into the proxy under test by `npm run bench` when BENCH_GC_DIR is
 * set: adds up the time V8's garbage collector paused this process's main thread (Node's `gc`
 * performance entries), and keeps the totals in BENCH_GC_DIR/<pid>.json, rewritten every 100 ms
 * while they change. run.ts reads them around a run (gc-milliseconds.ts) for the GC share of a
 * request's CPU: a steadier figure than requests per second on a noisy machine, and the one an
 * allocation cut moves. Plain JavaScript: the gateway and the floor run without tsx. Cluster
 * workers inherit it with their execArgv; worker threads (the SQLite usage thread), which load it
 * too, count nothing: their collections do not pause the event loop.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const folder = process.env.BENCH_GC_DIR;
// A preload runs in worker threads too: only the main thread's pauses are counted (one file per process).
if (folder && isMainThread) {
  const totals = { pausedMs: 0 };
  let changed = false;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) totals.pausedMs += entry.duration;
    changed = true;
  }).observe({ entryTypes: ['gc'] });
  const file = join(folder, `${process.pid}.json`);
  const save = () => {
    if (!changed) return;
    changed = false;
    // Written whole, then renamed: a reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(totals));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(save, 100).unref();
  process.once('exit', save);
}
