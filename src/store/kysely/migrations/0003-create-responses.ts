import type { StoreMigration } from './store-migrations.ts';

/**
 * Who created each Responses API response (pass-through), so retrieval and cancellation reach its
 * provider and only its organization; usage_recorded_at makes a background response billed once.
 */
export const createResponses: StoreMigration = {
  version: 3,
  name: 'create-responses',
  async up(database) {
    await database.schema
      .createTable('responses')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('api_key_id', 'text', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('usage_recorded_at', 'bigint')
      .execute();
  },
};
