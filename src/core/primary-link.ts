import cluster from 'node:cluster';

/** How long a worker waits for the primary's answer before the call fails (the primary is gone or stuck). */
const ANSWER_TIMEOUT_MS = 5_000;
/** Questions one worker may have waiting at once: beyond, new ones fail at once rather than pile up. */
const MAX_PENDING = 50_000;

/** A message between a worker and the primary of `serve --workers N` (one channel: `switchyard`). */
export interface ClusterMessage {
  channel: 'switchyard';
  kind: string;
  /** Set on a question that wants an answer, and on its answer. */
  id?: number;
  payload?: unknown;
  /** An answer's failure, as text. */
  error?: string;
}

export function isClusterMessage(message: unknown): message is ClusterMessage {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === 'switchyard' && typeof (message as { kind?: unknown }).kind === 'string';
}

/**
 * A worker's line to the primary of `serve --workers N`: questions with answers (`ask`) and
 * one-way notes (`tell`) over the cluster's IPC channel. Every question has a deadline; when the
 * primary is gone, every question waiting fails and new ones fail at once.
 */
export class PrimaryLink {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();

  constructor() {
    if (!cluster.isWorker) throw new Error('a PrimaryLink exists only in a worker of serve --workers');
    process.on('message', (message: unknown) => {
      if (!isClusterMessage(message) || message.id === undefined) return;
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      if (message.error !== undefined) waiting.reject(new Error(`the primary process could not answer ${message.kind}: ${message.error}`));
      else waiting.resolve(message.payload);
    });
    process.on('disconnect', () => {
      for (const [id, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error('the primary process is gone'));
        this.pending.delete(id);
      }
    });
  }

  /** Whether the primary is there to take messages. */
  get connected(): boolean {
    return process.connected;
  }

  ask<T>(kind: string, payload?: unknown): Promise<T> {
    if (!process.connected) return Promise.reject(new Error('the primary process is gone'));
    if (this.pending.size >= MAX_PENDING) return Promise.reject(new Error('too many questions waiting for the primary process'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the primary process did not answer ${kind} within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      process.send!({ channel: 'switchyard', kind, id, payload } satisfies ClusterMessage);
    });
  }

  tell(kind: string, payload?: unknown): void {
    if (process.connected) process.send!({ channel: 'switchyard', kind, payload } satisfies ClusterMessage);
  }
}

let link: PrimaryLink | undefined;

/** This worker's one line to the primary (made at first use). */
export function primaryLink(): PrimaryLink {
  link ??= new PrimaryLink();
  return link;
}
