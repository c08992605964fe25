import { execFileSync } from 'node:child_process';

/**
 * Whether this build's `switchyard serve` takes `--workers` (being built beside this bench):
 * without it, `--workers` is left out and the report says so, instead of serve failing at start.
 */
export function serveTakesWorkers(): boolean {
  return execFileSync(process.execPath, ['bin/switchyard.js', 'serve', '--help'], { encoding: 'utf8' }).includes('--workers');
}
