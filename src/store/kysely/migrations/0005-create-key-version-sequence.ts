import { sql } from 'kysely';
import type { StoreMigration } from './store-migrations.ts';

/**
 * PostgreSQL draws key versions from a sequence (see `openPostgresBackend`), starting after any
 * version already stored. SQLite has no sequences and needs none: its single writer takes the
 * largest version plus one.
 */
export const createKeyVersionSequence: StoreMigration = {
  version: 5,
  name: 'create-key-version-sequence',
  async up(database, backend) {
    if (backend !== 'postgres') return;
    await sql`create sequence api_key_versions as bigint`.execute(database);
    await sql`select setval('api_key_versions', max(version)) from api_keys having max(version) is not null`.execute(database);
  },
};
