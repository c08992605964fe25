import type { Logger } from 'pino';
import type { Store, UsageRecord } from '../store/store.ts';

const FLUSH_INTERVAL_MS = 250;
const MAX_BATCH = 500;

/**
 * Writes usage records off the hot path: requests append to an in-memory queue, a timer flushes
 * it in batches every 250 ms (sooner when a batch fills), and `close` flushes what is left. A
 * failed flush keeps its records queued for the next one; the store ignores duplicates, so a
 * retried batch never counts a request twice.
 */
export class UsageRecorder {
  private queue: UsageRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(record: UsageRecord): void {
    this.queue.push(record);
    if (this.queue.length >= MAX_BATCH) void this.flush();
  }

  /** Writes everything queued so far; concurrent callers wait for the same write. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.store
      .insertUsageRecords(batch)
      .catch((error: Error) => {
        this.logger.error({ err: error, records: batch.length }, 'usage flush failed; records kept for the next flush');
        this.queue = batch.concat(this.queue);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
