import type { StoreMigration } from './store-migrations.ts';

/** Why a usage record's tokens are not the provider's word: capped at what the request could produce, or estimated. */
export const addUsageFlag: StoreMigration = {
  version: 6,
  name: 'add-usage-flag',
  async up(database) {
    await database.schema.alterTable('usage_records').addColumn('usage_flag', 'text').execute();
  },
};
