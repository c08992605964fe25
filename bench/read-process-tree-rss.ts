import { readdirSync, readFileSync } from 'node:fs';

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function rssKb(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Resident memory in MB of a process and all its descendants (Linux /proc), so `serve
 * --workers N` is counted whole; memory the processes share is counted once per process, an
 * upper bound. NaN where /proc is missing.
 */
export function readProcessTreeRss(pid: number): number {
  try {
    readdirSync('/proc');
  } catch {
    return Number.NaN;
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    total += rssKb(next);
    queue.push(...children(next));
  }
  return total / 1024;
}
