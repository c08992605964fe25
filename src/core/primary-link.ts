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

/** The kind of a message that carries several: the messages of one turn of the event loop, in order. */
const BATCH = 'batch';

/** The messages one IPC message carries, in the order they were sent (itself, unless it is a batch). */
export function unbatch(message: ClusterMessage): ClusterMessage[] {
  return message.kind === BATCH && Array.isArray(message.payload) ? message.payload.filter(isClusterMessage) : [message];
}

/** Sends one IPC message; `done` hears whether it was written (a failure is never an 'error' event: that would end the process). */
export type SendMessage = (message: ClusterMessage, done: (error: Error | null) => void) => void;

/**
 * The messages one side sends in one turn of the event loop, sent together, in order, at the end
 * of the turn: an IPC message costs both processes a pipe write and a read, whatever it carries,
 * and under load many requests of one turn each have something to say. `undelivered` hears the
 * messages of a send that failed.
 */
export class ClusterOutbox {
  private queued: ClusterMessage[] = [];

  constructor(
    private readonly send: SendMessage,
    private readonly undelivered: (messages: ClusterMessage[], error: Error) => void = () => undefined,
  ) {}

  push(message: ClusterMessage): void {
    if (this.queued.push(message) === 1) process.nextTick(() => this.flush());
  }

  private flush(): void {
    const messages = this.queued;
    this.queued = [];
    if (messages.length === 0) return;
    this.send(messages.length === 1 ? messages[0]! : { channel: 'switchyard', kind: BATCH, payload: messages }, (error) => {
      if (error) this.undelivered(messages, error);
    });
  }
}

/**
 * A worker's line to the primary of `serve --workers N`: questions with answers (`ask`) and
 * one-way notes (`tell`) over the cluster's IPC channel, those of one turn sent as one message
 * (ClusterOutbox). Every question has a deadline; when the primary is gone, every question waiting
 * fails and new ones fail at once. The primary's disconnection reaches this process as an event,
 * never between a message and the end of its turn: what is queued while it is connected is sent.
 * A message the channel could not take fails its question at once, and goes to the note's
 * `whenUndelivered` handler (usage: the journal).
 */
export class PrimaryLink {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  private readonly undeliveredHandlers = new Map<string, (payload: unknown) => void>();
  private readonly outbox = new ClusterOutbox(
    (message, done) => {
      if (process.connected) process.send!(message, undefined, undefined, done);
      else done(new Error('the primary process is gone'));
    },
    (messages, error) => {
      for (const message of messages) {
        if (message.id !== undefined) this.settle({ ...message, error: error.message });
        else this.undeliveredHandlers.get(message.kind)?.(message.payload);
      }
    },
  );

  constructor() {
    if (!cluster.isWorker) throw new Error('a PrimaryLink exists only in a worker of serve --workers');
    process.on('message', (message: unknown) => {
      if (!isClusterMessage(message)) return;
      for (const answer of unbatch(message)) this.settle(answer);
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
      this.outbox.push({ channel: 'switchyard', kind, id, payload });
    });
  }

  tell(kind: string, payload?: unknown): void {
    if (process.connected) this.outbox.push({ channel: 'switchyard', kind, payload });
  }

  /** What to do with the payload of a `tell` of `kind` the channel could not take. */
  whenUndelivered(kind: string, handler: (payload: unknown) => void): void {
    this.undeliveredHandlers.set(kind, handler);
  }

  /** An answer of the primary, to the question waiting for it. */
  private settle(answer: ClusterMessage): void {
    if (answer.id === undefined) return;
    const waiting = this.pending.get(answer.id);
    if (!waiting) return;
    this.pending.delete(answer.id);
    clearTimeout(waiting.timer);
    if (answer.error !== undefined) waiting.reject(new Error(`the primary process could not answer ${answer.kind}: ${answer.error}`));
    else waiting.resolve(answer.payload);
  }
}

let link: PrimaryLink | undefined;

/** This worker's one line to the primary (made at first use). */
export function primaryLink(): PrimaryLink {
  link ??= new PrimaryLink();
  return link;
}
