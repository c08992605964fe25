import type { Logger } from 'pino';
import type { LedgerEntry, Store, UsageRecord } from '../store/store.ts';
import type { UsageJournal } from './usage-journal.ts';

const FLUSH_INTERVAL_MS = 250;
const MAX_BATCH = 500;
/** After a failed flush, the next waits this long, doubling up to the longest: a store that is down is not hammered. */
const FIRST_RETRY_MS = 250;
const LONGEST_RETRY_MS = 5_000;

interface QueuedUsage {
  record: UsageRecord;
  /** The request's debit, written in the same transaction as its record. */
  debit?: LedgerEntry;
  /** Already in the journal. */
  journaled?: boolean;
}

/**
 * Writes usage records and their debits off the hot path: requests append to an in-memory queue,
 * a timer flushes it in batches every 250 ms (sooner when a batch fills), and `close` flushes what
 * is left. A record and its debit go to the store in one transaction, so the ledger and the usage
 * never disagree. A failed flush keeps its records queued for the next one, which waits longer
 * after each failure (up to 5 s), and writes them to the local journal (usage-journal.ts), so
 * they outlive a crash; while the store keeps failing, each batch is journaled before it is tried.
 * The store ignores duplicates, so a retried or replayed batch never counts or bills a request
 * twice. What `kill -9` can lose is what is queued and not journaled: at most the last 250 ms of
 * finished requests.
 */
export class UsageRecorder {
  private queue: QueuedUsage[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Flushes and `exclusive` work run one at a time, in call order. */
  private lock: Promise<unknown> = Promise.resolve();

  /** Failed flushes in a row; 0 while the store takes them. */
  private failures = 0;
  private retryAt = 0;
  /** Whether the journal holds entries not yet written to the store. */
  private journaled = false;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly journal?: UsageJournal,
  ) {}

  /** Takes back what an earlier run journaled (it is written with the next flush), then flushes every 250 ms. */
  start(): void {
    const replayed = this.journal?.read() ?? [];
    if (replayed.length > 0) {
      this.queue = [...replayed.map((entry): QueuedUsage => ({ ...entry, journaled: true })), ...this.queue];
      this.journaled = true;
      this.logger.warn({ records: replayed.length }, 'usage journaled by an earlier run is written again');
    }
    this.timer = setInterval(() => {
      // While the store is failing, what finished since the last tick goes to the journal, even while a flush waits on the store.
      if (this.failures > 0) this.journalPending(this.queue);
      if (Date.now() >= this.retryAt) void this.flush();
    }, FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(record: UsageRecord, debit?: LedgerEntry): void {
    this.queue.push(debit ? { record, debit } : { record });
    if (this.queue.length >= MAX_BATCH && this.failures === 0) void this.flush();
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

  /**
   * The organization's balance as the ledger will have it: the store's, with this instance's debits
   * still queued. Read while no flush runs, so each debit counts once.
   */
  ledgerBalance(organizationId: string): Promise<number> {
    return this.exclusive(async () => ((await this.store.listBalances()).get(organizationId) ?? 0) + (this.unflushedDebits().get(organizationId) ?? 0));
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
    // While the store is failing, what is about to be tried is made durable first.
    if (this.failures > 0) this.journalPending(batch);
    const debits = batch.flatMap((item) => (item.debit ? [item.debit] : []));
    try {
      await this.store.insertUsageRecords(
        batch.map((item) => item.record),
        debits,
      );
      this.failures = 0;
      this.retryAt = 0;
      if (this.journaled) {
        // Everything journaled was in this batch: failed batches go back to the front of the queue, and a write takes the whole queue.
        this.journal?.clear();
        this.journaled = false;
      }
    } catch (error) {
      this.failures += 1;
      this.retryAt = Date.now() + Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.failures - 1));
      this.logger.error({ err: error, records: batch.length, retryInMs: this.retryAt - Date.now() }, 'usage flush failed; records journaled and kept for the next flush');
      this.journalPending(batch);
      this.queue = batch.concat(this.queue);
    }
  }

  /** Appends the entries not yet journaled (one write and one fsync for all of them). */
  private journalPending(entries: QueuedUsage[]): void {
    const pending = entries.filter((entry) => !entry.journaled);
    if (!this.journal || pending.length === 0) return;
    try {
      this.journal.append(pending.map(({ record, debit }) => (debit ? { record, debit } : { record })));
      for (const entry of pending) entry.journaled = true;
      this.journaled = true;
    } catch (error) {
      this.logger.error({ err: error, records: pending.length }, 'could not journal usage; it is kept in memory only');
    }
  }
}
