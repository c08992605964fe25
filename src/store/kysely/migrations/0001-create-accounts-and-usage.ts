import type { StoreMigration } from './store-migrations.ts';

export const createAccountsAndUsage: StoreMigration = {
  version: 1,
  name: 'create-accounts-and-usage',
  async up(database) {
    await database.schema
      .createTable('organizations')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull().unique())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('disabled_at', 'text')
      .execute();
    await database.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('name', 'text')
      .addColumn('prefix', 'text', (column) => column.notNull())
      .addColumn('hash', 'text', (column) => column.notNull().unique())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('version', 'bigint', (column) => column.notNull())
      .execute();
    await database.schema.createIndex('api_keys_version').on('api_keys').column('version').execute();
    await database.schema
      .createTable('usage_records')
      .addColumn('request_id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('api_key_id', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('status', 'integer', (column) => column.notNull())
      .addColumn('error_code', 'text')
      .addColumn('streamed', 'integer', (column) => column.notNull())
      .addColumn('prompt_tokens', 'bigint')
      .addColumn('cached_prompt_tokens', 'bigint')
      .addColumn('completion_tokens', 'bigint')
      .addColumn('reasoning_tokens', 'bigint')
      .addColumn('latency_ms', 'integer', (column) => column.notNull())
      .addColumn('time_to_first_token_ms', 'integer')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    await database.schema.createIndex('usage_records_organization_time').on('usage_records').columns(['organization_id', 'created_at']).execute();
  },
};
