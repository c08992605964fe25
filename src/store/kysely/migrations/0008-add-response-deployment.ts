import type { StoreMigration } from './store-migrations.ts';

/** The provider deployment (account) that holds a passed-through response: its retrieve, cancel and continuation go there. */
export const addResponseDeployment: StoreMigration = {
  version: 8,
  name: 'add-response-deployment',
  async up(database) {
    await database.schema.alterTable('responses').addColumn('deployment', 'text').execute();
  },
};
