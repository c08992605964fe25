import { KyselyStore } from './kysely/kysely-store.ts';
import { openPostgresBackend } from './kysely/open-postgres-backend.ts';
import { openSqliteBackend } from './kysely/open-sqlite-backend.ts';
import type { Store } from './store.ts';

/** PostgreSQL when a database URL is configured (several instances), else the embedded SQLite file in `dataDir`. */
export function openStore(settings: { dataDir: string; databaseUrl?: string; databaseSchema?: string }): Store {
  const backend = settings.databaseUrl
    ? openPostgresBackend({ url: settings.databaseUrl, schema: settings.databaseSchema })
    : openSqliteBackend(settings.dataDir);
  return new KyselyStore(backend);
}
