import type { StoreMigration } from './store-migrations.ts';

/** The provider deployment that answered a request (absent when none did): the request log and the metrics name it. */
export const addUsageDeployment: StoreMigration = {
  version: 9,
  name: 'add-usage-deployment',
  async up(database) {
    await database.schema.alterTable('usage_records').addColumn('deployment', 'text').execute();
  },
};
