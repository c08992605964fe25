import { sql } from 'kysely';
import type { StoreMigration } from './store-migrations.ts';

/**
 * SQLite reads balances incrementally (open-sqlite-backend.ts: only the ledger rows added since
 * its last read), which holds while ledger rows are only ever added. The gateway never deletes or
 * changes one; a hand-made DELETE or UPDATE bumps `ledger_rewrites.count`, and the next read sums
 * the whole ledger again. PostgreSQL sums the ledger each time and needs neither.
 */
export const countLedgerRewrites: StoreMigration = {
  version: 14,
  name: 'count-ledger-rewrites',
  async up(database, backend) {
    if (backend !== 'sqlite') return;
    await database.schema.createTable('ledger_rewrites').addColumn('count', 'integer', (column) => column.notNull()).execute();
    await sql`insert into ledger_rewrites (count) values (0)`.execute(database);
    await sql`create trigger ledger_entries_deleted after delete on ledger_entries begin update ledger_rewrites set count = count + 1; end`.execute(database);
    await sql`create trigger ledger_entries_updated after update on ledger_entries begin update ledger_rewrites set count = count + 1; end`.execute(database);
  },
};
