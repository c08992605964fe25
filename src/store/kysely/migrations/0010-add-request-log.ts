import type { StoreMigration } from './store-migrations.ts';

/**
 * The request log: an organization's opt-in to keeping prompt and answer bodies (and for how
 * long), the bodies on the usage record itself (one write per request, as before), and the
 * indexes the log's filters and its pagination read by.
 */
export const addRequestLog: StoreMigration = {
  version: 10,
  name: 'add-request-log',
  async up(database) {
    await database.schema.alterTable('organizations').addColumn('request_logging', 'text').execute();
    await database.schema.alterTable('usage_records').addColumn('request_body', 'text').execute();
    await database.schema.alterTable('usage_records').addColumn('response_body', 'text').execute();
    await database.schema.alterTable('usage_records').addColumn('bodies_expire_at', 'bigint').execute();
    await database.schema.createIndex('usage_records_time').on('usage_records').columns(['created_at', 'request_id']).execute();
    await database.schema.createIndex('usage_records_key_time').on('usage_records').columns(['api_key_id', 'created_at']).execute();
    await database.schema.createIndex('usage_records_bodies_expiry').on('usage_records').column('bodies_expire_at').where('bodies_expire_at', 'is not', null).execute();
  },
};
