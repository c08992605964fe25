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

/** A process and all its descendants (Linux /proc); empty where /proc is missing. */
function processTree(pid: number): number[] {
  try {
    readdirSync('/proc');
  } catch {
    return [];
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    tree.push(next);
    queue.push(...children(next));
  }
  return tree;
}

/**
 * Resident memory in MB of a process and all its descendants (Linux /proc), so `serve
 * --workers N` is counted whole; memory the processes share is counted once per process, an
 * upper bound. NaN where /proc is missing.
 */
export function readProcessTreeRss(pid: number): number {
  const tree = processTree(pid);
  if (tree.length === 0) return Number.NaN;
  return tree.reduce((total, member) => total + rssKb(member), 0) / 1024;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time in seconds (user and system, every thread) a process and its descendants have used so
 * far, from /proc/<pid>/stat; NaN where /proc is missing. Two readings around a run give the CPU a
 * run cost, whatever share of its core the process got.
 */
export function readProcessTreeCpuSeconds(pid: number): number {
  const tree = processTree(pid);
  if (tree.length === 0) return Number.NaN;
  let ticks = 0;
  for (const member of tree) {
    try {
      // Fields after the command (which may hold spaces) — utime and stime are the 14th and 15th of the line.
      const fields = readFileSync(`/proc/${member}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A process that ended between the listing and the reading used nothing more.
    }
  }
  return ticks / TICKS_PER_SECOND;
}
