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
const openFiles = new Map<string, { database: Kysely<DatabaseSchema>; usageThread: SqliteUsageThread; users: number }>();

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
    file = { database: new Kysely<DatabaseSchema>({ dialect: new ImmediateSqliteDialect({ database: connection }) }), usageThread: new SqliteUsageThread(path), users: 0 };
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
