import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  ApiKeyRecord,
  AuthenticatedKey,
  KeyLimits,
  LedgerEntry,
  Organization,
  OrganizationLimits,
  ResponseRecord,
  Store,
  UsageRecord,
  UsageSummaryFilter,
  UsageSummaryRow,
} from '../store.ts';
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
      .prepare('INSERT INTO organizations (id, name, created_at, disabled_at, limits) VALUES (?, ?, ?, ?, ?)')
      .run(organization.id, organization.name, organization.createdAt, organization.disabledAt, JSON.stringify(organization.limits));
  }

  async updateOrganization(id: string, changes: { disabledAt?: string | null; limits?: OrganizationLimits }): Promise<Organization | undefined> {
    return this.database.transaction(() => {
      if (changes.disabledAt !== undefined) this.database.prepare('UPDATE organizations SET disabled_at = ? WHERE id = ?').run(changes.disabledAt, id);
      if (changes.limits !== undefined) this.database.prepare('UPDATE organizations SET limits = ? WHERE id = ?').run(JSON.stringify(changes.limits), id);
      const row = this.database.prepare('SELECT * FROM organizations WHERE id = ?').get(id) as OrganizationRow | undefined;
      if (!row) return undefined;
      // Keys carry their organization's state into every instance's key cache.
      const keys = this.database.prepare('SELECT id FROM api_keys WHERE organization_id = ? ORDER BY id').all(id) as { id: string }[];
      for (const key of keys) this.database.prepare('UPDATE api_keys SET version = ? WHERE id = ?').run(this.nextKeyVersion(), key.id);
      return toOrganization(row);
    }).immediate();
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
        .prepare(
          `INSERT INTO api_keys (id, organization_id, name, prefix, hash, created_at, revoked_at, expires_at, allowed_models, limits, version)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          key.id,
          key.organizationId,
          key.name,
          key.prefix,
          key.hash,
          key.createdAt,
          key.revokedAt,
          key.expiresAt,
          key.allowedModels ? JSON.stringify(key.allowedModels) : null,
          JSON.stringify(key.limits),
          version,
        );
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

  async updateApiKey(
    id: string,
    changes: { name?: string | null; expiresAt?: string | null; allowedModels?: string[] | null; limits?: KeyLimits },
  ): Promise<ApiKeyRecord | undefined> {
    return this.database.transaction(() => {
      const columns: [string, unknown][] = [];
      if (changes.name !== undefined) columns.push(['name', changes.name]);
      if (changes.expiresAt !== undefined) columns.push(['expires_at', changes.expiresAt]);
      if (changes.allowedModels !== undefined) columns.push(['allowed_models', changes.allowedModels ? JSON.stringify(changes.allowedModels) : null]);
      if (changes.limits !== undefined) columns.push(['limits', JSON.stringify(changes.limits)]);
      columns.push(['version', this.nextKeyVersion()]);
      this.database.prepare(`UPDATE api_keys SET ${columns.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
      const row = this.database.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
      return row ? toApiKey(row) : undefined;
    }).immediate();
  }

  async listApiKeysChangedSince(version: number): Promise<AuthenticatedKey[]> {
    const rows = this.database
      .prepare(
        `SELECT k.*, o.name AS organization_name, o.disabled_at AS organization_disabled_at, o.limits AS organization_limits
           FROM api_keys k JOIN organizations o ON o.id = k.organization_id
          WHERE k.version > ? ORDER BY k.version`,
      )
      .all(version) as (ApiKeyRow & { organization_name: string; organization_disabled_at: string | null; organization_limits: string })[];
    return rows.map((row) => ({
      ...toApiKey(row),
      organizationName: row.organization_name,
      organizationDisabledAt: row.organization_disabled_at,
      organizationLimits: JSON.parse(row.organization_limits) as OrganizationLimits,
    }));
  }

  async insertUsageRecords(records: UsageRecord[], debits: LedgerEntry[] = []): Promise<void> {
    // OR IGNORE: a batch retried after a failed flush must not count (or bill) a request twice.
    const insert = this.database.prepare(
      `INSERT OR IGNORE INTO usage_records (request_id, organization_id, api_key_id, model, provider, surface, status, error_code, streamed,
         prompt_tokens, cached_prompt_tokens, cache_write_tokens, completion_tokens, reasoning_tokens, latency_ms, time_to_first_token_ms, cost, created_at)
       VALUES (@requestId, @organizationId, @apiKeyId, @model, @provider, @surface, @status, @errorCode, @streamed,
         @promptTokens, @cachedPromptTokens, @cacheWriteTokens, @completionTokens, @reasoningTokens, @latencyMs, @timeToFirstTokenMs, @cost, @createdAt)`,
    );
    this.database.transaction(() => {
      for (const record of records) insert.run({ ...record, streamed: record.streamed ? 1 : 0 });
      this.insertLedgerEntries(debits);
    }).immediate();
  }

  async appendLedgerEntries(entries: LedgerEntry[]): Promise<void> {
    this.database.transaction(() => this.insertLedgerEntries(entries)).immediate();
  }

  async listLedgerEntries(filter: { organizationId?: string; limit?: number }): Promise<LedgerEntry[]> {
    const limit = filter.limit ?? 1_000;
    const rows = filter.organizationId
      ? this.database.prepare('SELECT * FROM ledger_entries WHERE organization_id = ? ORDER BY created_at DESC, id DESC LIMIT ?').all(filter.organizationId, limit)
      : this.database.prepare('SELECT * FROM ledger_entries ORDER BY created_at DESC, id DESC LIMIT ?').all(limit);
    return (rows as LedgerRow[]).map(toLedgerEntry);
  }

  async listBalances(): Promise<Map<string, number>> {
    const rows = this.database.prepare('SELECT organization_id, SUM(amount) AS balance FROM ledger_entries GROUP BY organization_id').all() as { organization_id: string; balance: number }[];
    return new Map(rows.map((row) => [row.organization_id, row.balance]));
  }

  async keySpend(apiKeyId: string, since: string): Promise<{ lifetime: number; sinceStart: number }> {
    const row = this.database
      .prepare(
        `SELECT COALESCE(-SUM(amount), 0) AS lifetime, COALESCE(-SUM(CASE WHEN created_at >= ? THEN amount ELSE 0 END), 0) AS since_start
           FROM ledger_entries WHERE api_key_id = ? AND kind = 'debit'`,
      )
      .get(since, apiKeyId) as { lifetime: number; since_start: number };
    return { lifetime: row.lifetime, sinceStart: row.since_start };
  }

  async summarizeUsage(filter: UsageSummaryFilter): Promise<UsageSummaryRow[]> {
    const groups: Record<UsageSummaryFilter['groupBy'][number], string> = { day: "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')", model: 'model', key: 'api_key_id', organization: 'organization_id' };
    const names: Record<UsageSummaryFilter['groupBy'][number], string> = { day: 'day', model: 'model', key: 'apiKeyId', organization: 'organizationId' };
    const select = filter.groupBy.map((group) => `${groups[group]} AS ${names[group]}`);
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (filter.organizationId) {
      where.push('organization_id = ?');
      parameters.push(filter.organizationId);
    }
    if (filter.from) {
      where.push('created_at >= ?');
      parameters.push(Date.parse(filter.from));
    }
    if (filter.to) {
      where.push('created_at < ?');
      parameters.push(Date.parse(filter.to));
    }
    const sql = `SELECT ${[...select, 'COUNT(*) AS requests', 'COALESCE(SUM(prompt_tokens), 0) AS promptTokens', 'COALESCE(SUM(completion_tokens), 0) AS completionTokens', 'COALESCE(SUM(cost), 0) AS cost'].join(', ')}
      FROM usage_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ${filter.groupBy.length ? `GROUP BY ${filter.groupBy.map((group) => names[group]).join(', ')}` : ''}
      ORDER BY ${filter.groupBy.includes('day') ? 'day DESC, ' : ''}requests DESC`;
    return this.database.prepare(sql).all(...parameters) as UsageSummaryRow[];
  }

  private insertLedgerEntries(entries: LedgerEntry[]): void {
    // A request pays once: a debit whose request id is already in the ledger is skipped.
    const insert = this.database.prepare(
      `INSERT OR IGNORE INTO ledger_entries (id, organization_id, api_key_id, amount, kind, reason, request_id, created_at)
       VALUES (@id, @organizationId, @apiKeyId, @amount, @kind, @reason, @requestId, @createdAt)`,
    );
    for (const entry of entries) insert.run(entry);
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
  limits: string;
}

interface LedgerRow {
  id: string;
  organization_id: string;
  api_key_id: string | null;
  amount: number;
  kind: LedgerEntry['kind'];
  reason: string | null;
  request_id: string | null;
  created_at: string;
}

interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string | null;
  prefix: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
  allowed_models: string | null;
  limits: string;
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
  cost: number;
  created_at: number;
}

function toOrganization(row: OrganizationRow): Organization {
  return { id: row.id, name: row.name, createdAt: row.created_at, disabledAt: row.disabled_at, limits: JSON.parse(row.limits) as OrganizationLimits };
}

function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    organizationId: row.organization_id,
    apiKeyId: row.api_key_id,
    amount: row.amount,
    kind: row.kind,
    reason: row.reason,
    requestId: row.request_id,
    createdAt: row.created_at,
  };
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
    expiresAt: row.expires_at,
    allowedModels: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
    limits: JSON.parse(row.limits) as KeyLimits,
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
    cost: row.cost,
    createdAt: row.created_at,
  };
}
