import type { StoreMigration } from './store-migrations.ts';

export const addUsageSurface: StoreMigration = {
  version: 2,
  name: 'add-usage-surface',
  async up(database) {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await database.schema.alterTable('usage_records').addColumn('cache_write_tokens', 'bigint').execute();
    await database.schema
      .alterTable('usage_records')
      .addColumn('surface', 'text', (column) => column.notNull().defaultTo('openai-chat'))
      .execute();
  },
};
