import type { StoreMigration } from './store-migrations.ts';

/** What a request billed besides tokens: images, characters or seconds, and the price variant (an image's size and quality). */
export const addUsageUnits: StoreMigration = {
  version: 12,
  name: 'add-usage-units',
  async up(database) {
    await database.schema.alterTable('usage_records').addColumn('units', 'bigint').execute();
    await database.schema.alterTable('usage_records').addColumn('unit', 'text').execute();
    await database.schema.alterTable('usage_records').addColumn('unit_variant', 'text').execute();
  },
};
