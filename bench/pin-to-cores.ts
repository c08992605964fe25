import { findCommand } from './ensure-tools.ts';

const taskset = findCommand('taskset');

/** Whether pinning works here: `taskset` exists (util-linux; not on macOS). */
export const CAN_PIN = taskset !== undefined;

/**
 * The command line that runs `command` on the given cores, or unchanged where taskset is missing
 * or no cores are given. taskset execs the command, so the child's pid is the command's own.
 */
export function pinToCores(cores: readonly number[], command: string, args: readonly string[]): [string, string[]] {
  if (!taskset || cores.length === 0) return [command, [...args]];
  return [taskset, ['-c', cores.join(','), command, ...args]];
}
