import { Worker } from 'node:worker_threads';
import type { LedgerEntriesTable, UsageRecordsTable } from './database-schema.ts';

/** Whether this runs from the TypeScript sources (tests, development under tsx), not from dist/. */
const FROM_SOURCES = import.meta.url.endsWith('.ts');
/** The thread's code: compiled to .js beside this file in dist/. */
const THREAD_FILE = new URL(`./sqlite-usage-thread-main${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);

/** A thread does not inherit tsx's loader: from the sources, it registers tsx before it loads its code. */
function createThread(workerData: unknown): Worker {
  if (!FROM_SOURCES) return new Worker(THREAD_FILE, { workerData });
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD_FILE.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
/** A batch the thread has not answered by then is failed: the recorder keeps it and tries again (usage-recorder.ts). */
const BATCH_TIMEOUT_MS = 30_000;

/** Rows of one table as their columns' names and each row's values in that order: cheaper to copy to a thread than objects. */
export interface TableRows {
  columns: string[];
  rows: unknown[][];
}

/** One batch: usage rows and ledger rows, written in one transaction. */
export interface UsageBatchMessage {
  id: number;
  usage: TableRows;
  ledger: TableRows;
}

/** SQLite binds no `undefined`: a column left unset is written as null, as Kysely writes it. */
function tableRows(rows: readonly object[]): TableRows {
  if (rows.length === 0) return { columns: [], rows: [] };
  const columns = Object.keys(rows[0]!);
  return { columns, rows: rows.map((row) => columns.map((column) => (row as Record<string, unknown>)[column] ?? null)) };
}

export type UsageBatchAnswer = { id: number; ok: true } | { id: number; ok: false; message: string; code?: string };

/**
 * The usage records and debits of a SQLite store, written by a thread of their own
 * (sqlite-usage-thread-main.ts): better-sqlite3 is synchronous, and a batch of a few hundred rows
 * written on the event loop stalled every request for milliseconds. The thread holds its own
 * connection to the file (WAL: the event loop's connection reads what it committed as soon as a
 * batch is answered) and prepared statements. It is started by the first batch, so the CLI never
 * starts it; a thread that dies fails its batch (the recorder retries and journals it) and the next
 * batch starts another.
 */
export class SqliteUsageThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly path: string) {}

  write(usage: UsageRecordsTable[], ledger: LedgerEntriesTable[]): Promise<void> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(id, new Error(`the usage thread did not answer within ${BATCH_TIMEOUT_MS} ms`)), BATCH_TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
      worker.ref();
      worker.postMessage({ id, usage: tableRows(usage), ledger: tableRows(ledger) } satisfies UsageBatchMessage);
    });
  }

  /** Ends the thread once the batches it holds are answered. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    worker.ref();
    worker.postMessage('close');
    await new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = createThread({ path: this.path });
    // It keeps the process alive only while a batch waits on it.
    worker.unref();
    worker.on('message', (answer: UsageBatchAnswer) => {
      if (answer.ok) this.settle(answer.id)?.resolve();
      else this.fail(answer.id, Object.assign(new Error(answer.message), answer.code ? { code: answer.code } : {}));
    });
    const lost = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const id of [...this.waiting.keys()]) this.fail(id, error);
    };
    worker.on('error', (error) => lost(error));
    worker.on('exit', (code) => lost(new Error(`the usage thread ended (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(id: number) {
    const waiting = this.waiting.get(id);
    if (!waiting) return undefined;
    this.waiting.delete(id);
    clearTimeout(waiting.timer);
    if (this.waiting.size === 0) this.worker?.unref();
    return waiting;
  }

  private fail(id: number, error: Error): void {
    this.settle(id)?.reject(error);
  }
}
