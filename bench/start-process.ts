import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface StartedProcess {
  child: ChildProcess;
  /** What the ready pattern matched in the child's output (empty without a pattern). */
  match: RegExpMatchArray | [];
  /** Settles when the child exits, rejecting with its last output: race it with a readiness check. */
  exited: Promise<never>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the child is gone. */
  stop(): Promise<void>;
}

/**
 * Starts a child and waits until its output matches `ready` (without one, until it is spawned).
 * The last 4 KB of its output are kept for error messages; `ignoreStdout` sends stdout to
 * /dev/null instead, so a gateway logging every request costs the bench process nothing.
 */
export function startProcess(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; ready?: RegExp; timeoutMs?: number; ignoreStdout?: boolean }): Promise<StartedProcess> {
  const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', options.ignoreStdout ? 'ignore' : 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}):\n${output}`)));
  });
  exited.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${command} ${args.join(' ')} was not ready within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    let ready = false;
    if (!options.ready) {
      child.once('spawn', () => {
        ready = true;
        clearTimeout(timer);
        resolve({ child, match: [], exited, stop });
      });
    }
    const onData = (data: Buffer) => {
      output = (output + data.toString()).slice(-4096);
      if (ready || !options.ready) return;
      const match = output.match(options.ready);
      if (!match) return;
      ready = true;
      clearTimeout(timer);
      resolve({ child, match, exited, stop });
    };
    child.stdout?.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}
