import { KyselyStore } from './kysely/kysely-store.ts';
import { openPostgresBackend } from './kysely/open-postgres-backend.ts';
import { openSqliteBackend } from './kysely/open-sqlite-backend.ts';
import type { Store } from './store.ts';

/** Connecting to PostgreSQL, waiting for a pooled connection, one query: the default bound of each. */
export const DEFAULT_DATABASE_TIMEOUT_MS = 10_000;

/** PostgreSQL when a database URL is configured (several instances), else the embedded SQLite file in `dataDir`. */
export function openStore(settings: { dataDir: string; databaseUrl?: string; databaseSchema?: string; databaseTimeoutMs?: number }): Store {
  const backend = settings.databaseUrl
    ? openPostgresBackend({ url: settings.databaseUrl, schema: settings.databaseSchema, timeoutMs: settings.databaseTimeoutMs ?? DEFAULT_DATABASE_TIMEOUT_MS })
    : openSqliteBackend(settings.dataDir);
  return new KyselyStore(backend);
}
