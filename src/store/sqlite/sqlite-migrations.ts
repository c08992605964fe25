/** Schema versions of the embedded store, applied in order; each runs once, in a transaction. */
export const SQLITE_MIGRATIONS: string[] = [
  `CREATE TABLE organizations (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL,
     disabled_at TEXT
   );
   CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     organization_id TEXT NOT NULL REFERENCES organizations(id),
     name TEXT,
     prefix TEXT NOT NULL,
     hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL,
     revoked_at TEXT,
     version INTEGER NOT NULL
   );
   CREATE INDEX api_keys_version ON api_keys(version);
   CREATE TABLE usage_records (
     request_id TEXT PRIMARY KEY,
     organization_id TEXT NOT NULL,
     api_key_id TEXT NOT NULL,
     model TEXT NOT NULL,
     provider TEXT NOT NULL,
     status INTEGER NOT NULL,
     error_code TEXT,
     streamed INTEGER NOT NULL,
     prompt_tokens INTEGER,
     cached_prompt_tokens INTEGER,
     completion_tokens INTEGER,
     reasoning_tokens INTEGER,
     latency_ms INTEGER NOT NULL,
     time_to_first_token_ms INTEGER,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX usage_records_organization_time ON usage_records(organization_id, created_at);`,
  `ALTER TABLE usage_records ADD COLUMN cache_write_tokens INTEGER;
   ALTER TABLE usage_records ADD COLUMN surface TEXT NOT NULL DEFAULT 'openai-chat';`,
  // Who created each Responses API response (pass-through), so retrieval and cancellation reach its
  // provider and only its organization; usage_recorded_at makes a background response billed once.
  `CREATE TABLE responses (
     id TEXT PRIMARY KEY,
     organization_id TEXT NOT NULL,
     api_key_id TEXT NOT NULL,
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     usage_recorded_at INTEGER
   );`,
  // Metering: key expiry, model allow-lists and limits; organization limits; the credit ledger.
  `ALTER TABLE organizations ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
   ALTER TABLE api_keys ADD COLUMN allowed_models TEXT;
   ALTER TABLE api_keys ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE usage_records ADD COLUMN cost INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE ledger_entries (
     id TEXT PRIMARY KEY,
     organization_id TEXT NOT NULL,
     api_key_id TEXT,
     amount INTEGER NOT NULL,
     kind TEXT NOT NULL,
     reason TEXT,
     request_id TEXT UNIQUE,
     created_at TEXT NOT NULL
   );
   CREATE INDEX ledger_entries_organization ON ledger_entries(organization_id, created_at);
   CREATE INDEX ledger_entries_key ON ledger_entries(api_key_id, created_at);`,
];
