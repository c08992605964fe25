import type { StoreMigration } from './store-migrations.ts';

/** Metering: key expiry, model allow-lists and limits; organization limits; the credit ledger. */
export const addMetering: StoreMigration = {
  version: 4,
  name: 'add-metering',
  async up(database) {
    await database.schema
      .alterTable('organizations')
      .addColumn('limits', 'text', (column) => column.notNull().defaultTo('{}'))
      .execute();
    await database.schema.alterTable('api_keys').addColumn('expires_at', 'text').execute();
    await database.schema.alterTable('api_keys').addColumn('allowed_models', 'text').execute();
    await database.schema
      .alterTable('api_keys')
      .addColumn('limits', 'text', (column) => column.notNull().defaultTo('{}'))
      .execute();
    await database.schema
      .alterTable('usage_records')
      .addColumn('cost', 'bigint', (column) => column.notNull().defaultTo(0))
      .execute();
    await database.schema
      .createTable('ledger_entries')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('api_key_id', 'text')
      .addColumn('amount', 'bigint', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('reason', 'text')
      .addColumn('request_id', 'text', (column) => column.unique())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    await database.schema.createIndex('ledger_entries_organization').on('ledger_entries').columns(['organization_id', 'created_at']).execute();
    await database.schema.createIndex('ledger_entries_key').on('ledger_entries').columns(['api_key_id', 'created_at']).execute();
  },
};
