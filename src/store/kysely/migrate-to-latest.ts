import { STORE_MIGRATIONS } from './migrations/store-migrations.ts';
import type { StoreBackend } from './store-backend.ts';

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction (both
 * databases run DDL transactionally), so a failed upgrade leaves the schema as it was. The
 * backend serialises concurrent callers first: an advisory lock on PostgreSQL, the write lock
 * of `BEGIN IMMEDIATE` on SQLite.
 */
export async function migrateToLatest(backend: StoreBackend): Promise<void> {
  await backend.database.transaction().execute(async (transaction) => {
    await backend.prepareMigration(transaction);
    // The table and its columns are those of the earlier SQLite store, whose data folders keep working.
    await transaction.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (column) => column.primaryKey())
      .addColumn('applied_at', 'text', (column) => column.notNull())
      .execute();
    const applied = new Set((await transaction.selectFrom('schema_migrations').select('version').execute()).map((row) => Number(row.version)));
    for (const migration of STORE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await migration.up(transaction, backend.name);
      await transaction.insertInto('schema_migrations').values({ version: migration.version, applied_at: new Date().toISOString() }).execute();
    }
  });
}
