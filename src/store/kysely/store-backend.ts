import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { DatabaseSchema, LedgerEntriesTable, UsageRecordsTable } from './database-schema.ts';

/**
 * What differs between the databases the store runs on, and nothing else: the connection, how
 * migrations are serialised, where key versions come from and how a day is cut. Everything
 * else is one Kysely implementation (`KyselyStore`).
 */
export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  readonly database: Kysely<DatabaseSchema>;
  /**
   * Runs first inside the migration transaction: holds off every other process migrating the same
   * database until it commits, and creates the dedicated schema if one is configured.
   */
  prepareMigration(transaction: Transaction<any>): Promise<void>;
  /**
   * The next value of the store-wide key version counter, drawn inside a write transaction. A
   * reader of the change feed that sees a version must also see every smaller one: no writer may
   * commit a smaller version after a larger one became visible.
   */
  nextKeyVersion(transaction: Transaction<DatabaseSchema>): Promise<number>;
  /** `YYYY-MM-DD` in UTC of the Unix-milliseconds `created_at` column. */
  readonly utcDayOfCreatedAt: RawBuilder<string>;
  /**
   * Writes a batch of usage rows and their ledger rows in one transaction, each row already written
   * left alone, off the event loop (SQLite: a thread of its own). Absent: the store writes them
   * through Kysely (PostgreSQL, whose driver is asynchronous already).
   */
  insertUsageRows?(usage: UsageRecordsTable[], ledger: LedgerEntriesTable[]): Promise<void>;
  /**
   * Every organization's balance, the sums of its ledger entries, when the backend has a cheaper
   * way than summing the whole ledger each time (SQLite: only the rows added since the last read).
   */
  listBalances?(): Promise<Map<string, number>>;
  /** Releases the connection (or pool); calling it again does nothing. */
  close(): Promise<void>;
}
