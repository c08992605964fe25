import type { LedgerEntry, UsageRecord } from '../store/store.ts';
import type { UsageJournal } from './usage-journal.ts';
import type { UsageWriter } from './usage-writer.ts';
import type { PrimaryLink } from '../core/primary-link.ts';

/**
 * A worker's usage, handed to the primary of `serve --workers N` (no Redis): the primary's one
 * recorder writes every worker's records and debits in batches, and its counters see each debit
 * before and after the write exactly once. A record is one IPC message, off the request path.
 * Once the primary is gone (killed), what the worker still settles goes to the usage journal, which
 * the next run writes to the store.
 */
export class PrimaryUsageWriter implements UsageWriter {
  constructor(
    private readonly primary: PrimaryLink,
    private readonly journal: UsageJournal,
  ) {
    // A record the IPC channel could not take (the primary went away as it was sent) is journaled like one settled after.
    primary.whenUndelivered('usage.record', (payload) => {
      const { record, debit } = payload as { record: UsageRecord; debit?: LedgerEntry };
      this.journalLocally(record, debit);
    });
  }

  start(): void {}

  record(record: UsageRecord, debit?: LedgerEntry): void {
    if (this.primary.connected) this.primary.tell('usage.record', { record, debit });
    else this.journalLocally(record, debit);
  }

  /** A record the primary will not see: to the journal, which the next run writes to the store. */
  private journalLocally(record: UsageRecord, debit?: LedgerEntry): void {
    this.journal.append([debit ? { record, debit } : { record }]);
  }

  async flush(): Promise<void> {
    if (this.primary.connected) await this.primary.ask('usage.flush');
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
  }
}
