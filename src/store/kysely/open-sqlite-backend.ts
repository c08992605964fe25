import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import type { DatabaseSchema } from './database-schema.ts';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.ts';
import { SqliteUsageThread } from './sqlite-usage-thread.ts';
import type { StoreBackend } from './store-backend.ts';

/**
 * better-sqlite3 is synchronous: a second connection of the same process waiting for the write
 * lock (busy_timeout) would block the very event loop the first needs to commit. So the stores of
 * one process share one connection per file, whose Kysely mutex queues their transactions; other
 * processes (the CLI beside `serve`) wait for the lock through busy_timeout. The one other
 * connection of a process is its usage thread's (sqlite-usage-thread.ts): it waits for the lock on
 * its own thread, and holds it only for one batch's transaction, which never waits on the event loop.
 */
const openFiles = new Map<string, { database: Kysely<DatabaseSchema>; usageThread: SqliteUsageThread; ledger: LedgerSums; users: number }>();

/**
 * The ledger's sums per organization as of its row `after` (rowid). Summing the whole ledger every
 * few seconds (the balance refresh) scanned every debit ever written, on the event loop; only the
 * rows after `after` are read. Exact: SQLite has one writer at a time, so rowids are assigned in
 * commit order, and while rows are only added a rowid is never reused. The gateway never deletes
 * or changes a ledger row; one deleted or changed by hand bumps `ledger_rewrites` (a trigger,
 * migration 14) and the next read sums the whole ledger.
 */
interface LedgerSums {
  after: number;
  /** `ledger_rewrites.count` when `sums` were read. */
  rewrites: number;
  sums: Map<string, number>;
  /** Reads run one at a time: two reading the same rows would add them twice. */
  reading: Promise<unknown>;
}

async function readBalances(database: Kysely<DatabaseSchema>, ledger: LedgerSums): Promise<Map<string, number>> {
  const { rewrites } = await sql<{ rewrites: number }>`select count as rewrites from ledger_rewrites`.execute(database).then((result) => result.rows[0]!);
  if (rewrites !== ledger.rewrites) {
    ledger.after = 0;
    ledger.rewrites = rewrites;
    ledger.sums = new Map();
  }
  const rows = await database
    .selectFrom('ledger_entries')
    .select(['organization_id', sql<number>`sum(amount)`.as('added'), sql<number>`max(rowid)`.as('last')])
    .where(sql`rowid`, '>', ledger.after)
    .groupBy('organization_id')
    .execute();
  for (const row of rows) {
    ledger.sums.set(row.organization_id, (ledger.sums.get(row.organization_id) ?? 0) + row.added);
    ledger.after = Math.max(ledger.after, row.last);
  }
  return new Map(ledger.sums);
}

/** The embedded default: one SQLite file in WAL mode in `dataDir`, shared by `serve` and the CLI. */
export function openSqliteBackend(dataDir: string): StoreBackend {
  const path = resolve(dataDir, 'switchyard.db');
  let file = openFiles.get(path);
  if (!file) {
    mkdirSync(dataDir, { recursive: true });
    const connection = new Database(path);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    // The CLI and a running server write to the same file; wait for the other's lock instead of failing.
    connection.pragma('busy_timeout = 5000');
    connection.pragma('foreign_keys = ON');
    file = { database: new Kysely<DatabaseSchema>({ dialect: new ImmediateSqliteDialect({ database: connection }) }), usageThread: new SqliteUsageThread(path), ledger: { after: 0, rewrites: -1, sums: new Map(), reading: Promise.resolve() }, users: 0 };
    openFiles.set(path, file);
  }
  const shared = file;
  shared.users += 1;
  let closed = false;
  return {
    name: 'sqlite',
    database: shared.database,
    // Every transaction begins IMMEDIATE: the migration holds the file's write lock from its start.
    async prepareMigration() {},
    // Writers are serialised by the write lock, so the next version is simply the largest plus one.
    async nextKeyVersion(transaction) {
      const row = await transaction
        .selectFrom('api_keys')
        .select(sql<number>`coalesce(max(version), 0) + 1`.as('next'))
        .executeTakeFirstOrThrow();
      return row.next;
    },
    utcDayOfCreatedAt: sql<string>`strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`,
    // Usage batches are written by a thread with its own connection: a few hundred rows on the event loop stalled every request.
    insertUsageRows: (usage, ledger) => shared.usageThread.write(usage, ledger),
    listBalances() {
      const { ledger } = shared;
      const read = ledger.reading.then(() => readBalances(shared.database, ledger));
      ledger.reading = read.catch(() => undefined);
      return read;
    },
    async close() {
      if (closed) return;
      closed = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      openFiles.delete(path);
      await shared.usageThread.close();
      await shared.database.destroy();
    },
  };
}
