import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './database-schema.ts';
import { postgresConnectionString } from './postgres-connection-string.ts';
import type { StoreBackend } from './store-backend.ts';

/** BIGINT, and NUMERIC (what SUM of a BIGINT returns): micro-credits, tokens and milliseconds fit a JS number. */
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);

/**
 * A pg client that survives its network: a connection reset while it is checked out (between two
 * queries of a transaction) emits 'error' with nobody listening, which would end the process; and
 * a query that times out (a blackholed network) leaves the client waiting for an answer that never
 * comes, so every later query on it would wait too. This client keeps an 'error' listener for its
 * whole life, and destroys its connection when a query times out, so the pool replaces it.
 */
class ResilientClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super(config);
    // The error still reaches the query in flight, or the next one, as a failure the store reports.
    this.on('error', () => undefined);
  }

  override query(...args: unknown[]): any {
    const result = (super.query as (...queryArgs: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (error instanceof Error && error.message === 'Query read timeout') (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      });
    }
    return result;
  }
}

/**
 * PostgreSQL for several instances sharing one database: a pooled `pg.Pool`, optionally confined
 * to a dedicated schema (every connection's `search_path`). Every wait is bounded by `timeoutMs`:
 * connecting, waiting for a pooled connection, each query (client-side, and as the server's
 * statement timeout: no query of the store's takes that long on a healthy database); a lost
 * connection is replaced, never left to wedge the pool.
 */
export function openPostgresBackend(options: { url: string; schema?: string; timeoutMs: number }): StoreBackend {
  const pool = new pg.Pool({
    Client: ResilientClient,
    connectionString: postgresConnectionString(options.url),
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    connectionTimeoutMillis: options.timeoutMs,
    query_timeout: options.timeoutMs,
    statement_timeout: options.timeoutMs,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        NUMBER_TYPES.has(oid) ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
    },
  });
  // An idle connection the server dropped: the pool replaces it, and the next query reports any real outage.
  pool.on('error', () => undefined);
  // Advisory locks are per database; naming them after the schema keeps separate schemas independent.
  const lockScope = options.schema ?? 'default';
  const database = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return {
    name: 'postgres',
    database,
    async prepareMigration(transaction) {
      // Instances starting together queue here; the second finds the schema migrated when the first commits.
      await sql`select pg_advisory_xact_lock(hashtext(${`switchyard.migrations.${lockScope}`}))`.execute(transaction);
      if (options.schema) await transaction.schema.createSchema(options.schema).ifNotExists().execute();
    },
    async nextKeyVersion(transaction) {
      // A sequence alone hands out versions in one order and commits them in another: a reader could see
      // version 11 before version 10 commits, move its cursor past 10 and never see it. Holding this lock
      // from drawing a version until commit makes versions become visible in the order they were drawn
      // (PostgreSQL releases a transaction's locks only once its commit is visible). Key writes are rare.
      await sql`select pg_advisory_xact_lock(hashtext(${`switchyard.key_versions.${lockScope}`}))`.execute(transaction);
      const { rows } = await sql<{ version: number }>`select nextval('api_key_versions') as version`.execute(transaction);
      return rows[0].version;
    },
    utcDayOfCreatedAt: sql<string>`to_char(to_timestamp(created_at / 1000) at time zone 'UTC', 'YYYY-MM-DD')`,
    close: () => database.destroy(),
  };
}

