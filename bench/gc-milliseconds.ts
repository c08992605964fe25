import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The preload that counts a process's garbage collection pauses (`node --import` it with BENCH_GC_DIR set). */
export const GC_OBSERVER = fileURLToPath(new URL('./gc-observer.mjs', import.meta.url));

/** How often gc-observer.mjs rewrites its totals, and a margin: a reading waits this long for the last ones. */
export const GC_TOTALS_SETTLE_MS = 250;

/**
 * Milliseconds the processes preloaded with gc-observer.mjs into `folder` have spent in garbage
 * collection so far (all of them: every worker of `serve --workers N`); NaN when none wrote yet.
 */
export function readGcMilliseconds(folder: string): number {
  let files: string[];
  try {
    files = readdirSync(folder).filter((name) => name.endsWith('.json'));
  } catch {
    return Number.NaN;
  }
  if (files.length === 0) return Number.NaN;
  let total = 0;
  for (const name of files) {
    total += (JSON.parse(readFileSync(join(folder, name), 'utf8')) as { pausedMs: number }).pausedMs;
  }
  return total;
}
