import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/**
 * `switchyard serve` in a process of its own (the compiled CLI, as users run it), resolved once it listens.
 * One process (SWITCHYARD_WORKERS=1) unless the environment asks for workers: the tests that kill it
 * or read its log mean that process; the `…:workers` scenarios run the primary and its workers.
 */
export async function startServeProcess(environment: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(REPOSITORY, 'bin', 'switchyard.js'), 'serve'], {
    cwd: REPOSITORY,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), SWITCHYARD_WORKERS: '1', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('switchyard is listening')) resolve(String(JSON.parse(line).url));
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${stderr}`)));
  });
  return { child, url, exited };
}
