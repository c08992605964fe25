import { sql } from 'kysely';
import type { StoreMigration } from './store-migrations.ts';

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Responses state for every model: who holds each response (its provider, or the gateway for
 * translated models), the response it continues, when it expires, a gateway-held response's
 * status and body; and the input and output items of every stored response, so a chain may
 * switch providers and `item_reference` resolves within the organization.
 */
export const addStoredResponseItems: StoreMigration = {
  version: 7,
  name: 'add-stored-response-items',
  async up(database) {
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await database.schema.alterTable('responses').addColumn('holder', 'text', (column) => column.notNull().defaultTo('provider')).execute();
    await database.schema.alterTable('responses').addColumn('previous_response_id', 'text').execute();
    await database.schema.alterTable('responses').addColumn('expires_at', 'bigint').execute();
    await database.schema.alterTable('responses').addColumn('status', 'text').execute();
    await database.schema.alterTable('responses').addColumn('body', 'text').execute();
    await database.schema.alterTable('responses').addColumn('heartbeat_at', 'bigint').execute();
    await sql`update responses set expires_at = created_at + ${THIRTY_DAYS_MS}`.execute(database);
    await database.schema.createIndex('responses_by_expiry').on('responses').column('expires_at').execute();
    await database.schema
      .createTable('response_items')
      .addColumn('response_id', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('position', 'integer', (column) => column.notNull())
      .addColumn('organization_id', 'text', (column) => column.notNull())
      .addColumn('item_id', 'text', (column) => column.notNull())
      .addColumn('item', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('response_items_pk', ['response_id', 'kind', 'position'])
      .execute();
    await database.schema.createIndex('response_items_by_item').on('response_items').columns(['organization_id', 'item_id']).execute();
  },
};
