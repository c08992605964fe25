import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresConnectionString } from '../../src/store/kysely/postgres-connection-string.ts';

/** The PostgreSQL the store suites run against when nothing else is said. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://127.0.0.1:5432/test';

export interface PostgresTestSchema {
  url: string;
  /** A fresh schema name no one uses; the store creates the schema when it migrates. */
  schema: string;
  /** Runs SQL (several statements allowed, no parameters) on a connection of its own. */
  run(statements: string): Promise<void>;
  drop(): Promise<void>;
}

/** A private schema in the shared test database, so concurrent test runs never see each other's rows. */
export function postgresTestSchema(url: string, label: string): PostgresTestSchema {
  const schema = `${label}_${randomBytes(6).toString('hex')}`;
  async function run(statements: string): Promise<void> {
    const client = new pg.Client({ connectionString: postgresConnectionString(url) });
    await client.connect();
    try {
      await client.query(statements);
    } finally {
      await client.end();
    }
  }
  return { url, schema, run, drop: () => run(`drop schema if exists "${schema}" cascade`) };
}
