import type { Logger } from 'pino';
import type { LedgerEntry, Store, UsageRecord } from '../store/store.ts';

const FLUSH_INTERVAL_MS = 250;
const MAX_BATCH = 500;

interface QueuedUsage {
  record: UsageRecord;
  /** The request's debit, written in the same transaction as its record. */
  debit?: LedgerEntry;
}

/**
 * Writes usage records and their debits off the hot path: requests append to an in-memory queue,
 * a timer flushes it in batches every 250 ms (sooner when a batch fills), and `close` flushes what
 * is left. A record and its debit go to the store in one transaction, so the ledger and the usage
 * never disagree. A failed flush keeps its records queued for the next one; the store ignores
 * duplicates, so a retried batch never counts or bills a request twice. What `kill -9` can lose is
 * what is queued: at most the last 250 ms of finished requests.
 */
export class UsageRecorder {
  private queue: QueuedUsage[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Flushes and `exclusive` work run one at a time, in call order. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(record: UsageRecord, debit?: LedgerEntry): void {
    this.queue.push(debit ? { record, debit } : { record });
    if (this.queue.length >= MAX_BATCH) void this.flush();
  }

  /** Writes everything queued so far; concurrent callers wait their turn. */
  flush(): Promise<void> {
    return this.exclusive(() => this.write());
  }

  /**
   * Runs `work` while no flush is under way, so it sees the store and the queue in step: every
   * debit is either in the store or in `unflushedDebits()`, never both or neither.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Per organization, the micro-credits debited by requests whose records are still queued (negative sums). */
  unflushedDebits(): Map<string, number> {
    const sums = new Map<string, number>();
    for (const { debit } of this.queue) {
      if (debit) sums.set(debit.organizationId, (sums.get(debit.organizationId) ?? 0) + debit.amount);
    }
    return sums;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const debits = batch.flatMap((item) => (item.debit ? [item.debit] : []));
    try {
      await this.store.insertUsageRecords(
        batch.map((item) => item.record),
        debits,
      );
    } catch (error) {
      this.logger.error({ err: error, records: batch.length }, 'usage flush failed; records kept for the next flush');
      this.queue = batch.concat(this.queue);
    }
  }
}
