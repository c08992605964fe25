import type { LedgerEntry, UsageRecord } from '../store/store.ts';

/**
 * Where a request's usage record and debit go once it is settled: the batched recorder of this
 * process (usage-recorder.ts), or — in a worker of `serve --workers N` without Redis — the
 * primary's, which writes every worker's usage and owns the counters that must see it.
 */
export interface UsageWriter {
  start(): void;
  record(record: UsageRecord, debit?: LedgerEntry): void;
  /** Writes everything recorded so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
