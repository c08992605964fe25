import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ApiKeyRecord, AuthenticatedKey, Organization, ResponseRecord, Store, UsageRecord } from '../store.ts';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.ts';

/** The embedded default store: one SQLite file in WAL mode, shared by `serve` and the CLI. */
export class SqliteStore implements Store {
  private readonly database: Database.Database;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.database = new Database(join(dataDir, 'switchyard.db'));
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    // The CLI and a running server write to the same file; wait for the other's lock instead of failing.
    this.database.pragma('busy_timeout = 5000');
    this.database.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    this.database.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = new Set(
      (this.database.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
    );
    SQLITE_MIGRATIONS.forEach((sql, index) => {
      const version = index + 1;
      if (applied.has(version)) return;
      this.database.transaction(() => {
        this.database.exec(sql);
        this.database.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      }).immediate();
    });
  }

  async ping(): Promise<void> {
    this.database.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }

  async createOrganization(organization: Organization): Promise<void> {
    this.database
      .prepare('INSERT INTO organizations (id, name, created_at, disabled_at) VALUES (?, ?, ?, ?)')
      .run(organization.id, organization.name, organization.createdAt, organization.disabledAt);
  }

  async findOrganizationByName(name: string): Promise<Organization | undefined> {
    const row = this.database.prepare('SELECT * FROM organizations WHERE name = ?').get(name) as OrganizationRow | undefined;
    return row ? toOrganization(row) : undefined;
  }

  async listOrganizations(): Promise<Organization[]> {
    return (this.database.prepare('SELECT * FROM organizations ORDER BY created_at, name').all() as OrganizationRow[]).map(toOrganization);
  }

  async createApiKey(key: Omit<ApiKeyRecord, 'version'>): Promise<ApiKeyRecord> {
    return this.database.transaction(() => {
      const version = this.nextKeyVersion();
      this.database
        .prepare('INSERT INTO api_keys (id, organization_id, name, prefix, hash, created_at, revoked_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(key.id, key.organizationId, key.name, key.prefix, key.hash, key.createdAt, key.revokedAt, version);
      return { ...key, version };
    }).immediate();
  }

  async listApiKeys(organizationId?: string): Promise<ApiKeyRecord[]> {
    const rows = organizationId
      ? this.database.prepare('SELECT * FROM api_keys WHERE organization_id = ? ORDER BY created_at').all(organizationId)
      : this.database.prepare('SELECT * FROM api_keys ORDER BY created_at').all();
    return (rows as ApiKeyRow[]).map(toApiKey);
  }

  async revokeApiKey(id: string, revokedAt: string): Promise<ApiKeyRecord | undefined> {
    return this.database.transaction(() => {
      const version = this.nextKeyVersion();
      this.database.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?), version = ? WHERE id = ?').run(revokedAt, version, id);
      const row = this.database.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
      return row ? toApiKey(row) : undefined;
    }).immediate();
  }

  async listApiKeysChangedSince(version: number): Promise<AuthenticatedKey[]> {
    const rows = this.database
      .prepare(
        `SELECT k.*, o.name AS organization_name, o.disabled_at AS organization_disabled_at
           FROM api_keys k JOIN organizations o ON o.id = k.organization_id
          WHERE k.version > ? ORDER BY k.version`,
      )
      .all(version) as (ApiKeyRow & { organization_name: string; organization_disabled_at: string | null })[];
    return rows.map((row) => ({ ...toApiKey(row), organizationName: row.organization_name, organizationDisabledAt: row.organization_disabled_at }));
  }

  async insertUsageRecords(records: UsageRecord[]): Promise<void> {
    // OR IGNORE: a batch retried after a failed flush must not count a request twice.
    const insert = this.database.prepare(
      `INSERT OR IGNORE INTO usage_records (request_id, organization_id, api_key_id, model, provider, surface, status, error_code, streamed,
         prompt_tokens, cached_prompt_tokens, cache_write_tokens, completion_tokens, reasoning_tokens, latency_ms, time_to_first_token_ms, created_at)
       VALUES (@requestId, @organizationId, @apiKeyId, @model, @provider, @surface, @status, @errorCode, @streamed,
         @promptTokens, @cachedPromptTokens, @cacheWriteTokens, @completionTokens, @reasoningTokens, @latencyMs, @timeToFirstTokenMs, @createdAt)`,
    );
    this.database.transaction(() => {
      for (const record of records) insert.run({ ...record, streamed: record.streamed ? 1 : 0 });
    })();
  }

  async listUsageRecords(filter: { organizationId?: string; limit?: number } = {}): Promise<UsageRecord[]> {
    const limit = filter.limit ?? 1_000;
    const rows = filter.organizationId
      ? this.database.prepare('SELECT * FROM usage_records WHERE organization_id = ? ORDER BY created_at DESC LIMIT ?').all(filter.organizationId, limit)
      : this.database.prepare('SELECT * FROM usage_records ORDER BY created_at DESC LIMIT ?').all(limit);
    return (rows as UsageRow[]).map(toUsageRecord);
  }

  async insertResponseRecord(record: ResponseRecord): Promise<void> {
    this.database
      .prepare(
        `INSERT OR IGNORE INTO responses (id, organization_id, api_key_id, provider, model, created_at, usage_recorded_at)
         VALUES (@id, @organizationId, @apiKeyId, @provider, @model, @createdAt, @usageRecordedAt)`,
      )
      .run(record);
  }

  async findResponseRecord(id: string): Promise<ResponseRecord | undefined> {
    const row = this.database.prepare('SELECT * FROM responses WHERE id = ?').get(id) as ResponseRow | undefined;
    return row
      ? { id: row.id, organizationId: row.organization_id, apiKeyId: row.api_key_id, provider: row.provider, model: row.model, createdAt: row.created_at, usageRecordedAt: row.usage_recorded_at }
      : undefined;
  }

  async markResponseUsageRecorded(id: string, recordedAt: number): Promise<boolean> {
    return this.database.prepare('UPDATE responses SET usage_recorded_at = ? WHERE id = ? AND usage_recorded_at IS NULL').run(recordedAt, id).changes === 1;
  }

  private nextKeyVersion(): number {
    const row = this.database.prepare('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM api_keys').get() as { next: number };
    return row.next;
  }
}

interface OrganizationRow {
  id: string;
  name: string;
  created_at: string;
  disabled_at: string | null;
}

interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string | null;
  prefix: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  version: number;
}

interface ResponseRow {
  id: string;
  organization_id: string;
  api_key_id: string;
  provider: string;
  model: string;
  created_at: number;
  usage_recorded_at: number | null;
}

interface UsageRow {
  request_id: string;
  organization_id: string;
  api_key_id: string;
  model: string;
  provider: string;
  surface: string;
  status: number;
  error_code: string | null;
  streamed: number;
  prompt_tokens: number | null;
  cached_prompt_tokens: number | null;
  cache_write_tokens: number | null;
  completion_tokens: number | null;
  reasoning_tokens: number | null;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  created_at: number;
}

function toOrganization(row: OrganizationRow): Organization {
  return { id: row.id, name: row.name, createdAt: row.created_at, disabledAt: row.disabled_at };
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    version: row.version,
  };
}

function toUsageRecord(row: UsageRow): UsageRecord {
  return {
    requestId: row.request_id,
    organizationId: row.organization_id,
    apiKeyId: row.api_key_id,
    model: row.model,
    provider: row.provider,
    surface: row.surface as UsageRecord['surface'],
    status: row.status,
    errorCode: row.error_code,
    streamed: row.streamed === 1,
    promptTokens: row.prompt_tokens,
    cachedPromptTokens: row.cached_prompt_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    completionTokens: row.completion_tokens,
    reasoningTokens: row.reasoning_tokens,
    latencyMs: row.latency_ms,
    timeToFirstTokenMs: row.time_to_first_token_ms,
    createdAt: row.created_at,
  };
}
