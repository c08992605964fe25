import type { StoreMigration } from './store-migrations.ts';

/**
 * Chatbots: an organization's named presets (model, system prompt, sampling parameters, fallback
 * models) served at `/v1/gateway/chatbots/{id}/chat/completions`. A name is unique within its
 * organization; a deleted chatbot's row is removed (nothing refers to it: usage records name the model).
 */
export const createChatbots: StoreMigration = {
  version: 11,
  name: 'create-chatbots',
  async up(database) {
    await database.schema
      .createTable('chatbots')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('organization_id', 'text', (column) => column.notNull().references('organizations.id'))
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('system_prompt', 'text')
      .addColumn('parameters', 'text', (column) => column.notNull())
      .addColumn('fallbacks', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await database.schema.createIndex('chatbots_organization_name').on('chatbots').columns(['organization_id', 'name']).unique().execute();
  },
};
