import type { LedgerEntry } from '../store.ts';

/**
 * The tables as Kysely sees them: one schema for SQLite and PostgreSQL. Times are ISO text or
 * Unix milliseconds as noted; JSON columns are text; booleans are 0/1 integers. BIGINT columns
 * (money, token counts, milliseconds, key versions) come back as JS numbers on both databases.
 */
export interface DatabaseSchema {
  organizations: OrganizationsTable;
  api_keys: ApiKeysTable;
  usage_records: UsageRecordsTable;
  ledger_entries: LedgerEntriesTable;
  responses: ResponsesTable;
  response_items: ResponseItemsTable;
  chatbots: ChatbotsTable;
  video_jobs: VideoJobsTable;
  schema_migrations: SchemaMigrationsTable;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: string;
  disabled_at: string | null;
  /** JSON of OrganizationLimits. */
  limits: string;
  /** JSON of RequestLogging; null for the default (no bodies). */
  request_logging: string | null;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  name: string | null;
  prefix: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
  /** JSON array of model ids, or null for every model. */
  allowed_models: string | null;
  /** JSON of KeyLimits. */
  limits: string;
  version: number;
}

export interface UsageRecordsTable {
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
  /** Unix milliseconds. */
  created_at: number;
  usage_flag: string | null;
  deployment: string | null;
  /** The prompt and the answer as sent, when the organization keeps bodies (its request logging). */
  request_body: string | null;
  response_body: string | null;
  /** Unix milliseconds after which the bodies are removed (the organization's retention). */
  bodies_expire_at: number | null;
  /** Units billed besides tokens (migration 12): how many, of what, at which price variant. */
  units: number | null;
  unit: string | null;
  unit_variant: string | null;
}

export interface LedgerEntriesTable {
  id: string;
  organization_id: string;
  api_key_id: string | null;
  amount: number;
  kind: LedgerEntry['kind'];
  reason: string | null;
  request_id: string | null;
  created_at: string;
}

export interface ResponsesTable {
  id: string;
  organization_id: string;
  api_key_id: string;
  provider: string;
  model: string;
  /** Unix milliseconds. */
  created_at: number;
  usage_recorded_at: number | null;
  holder: 'provider' | 'gateway';
  previous_response_id: string | null;
  /** Unix milliseconds; null only for rows older than migration 7. */
  expires_at: number | null;
  /** A gateway-held response's status and JSON body; null for provider-held ones. */
  status: string | null;
  body: string | null;
  /** Unix milliseconds: a gateway-held background response's runner was last alive. */
  heartbeat_at: number | null;
  /** The provider deployment that holds a passed-through response; null for gateway-held ones and rows older than migration 8. */
  deployment: string | null;
}

export interface ResponseItemsTable {
  response_id: string;
  kind: 'input' | 'output';
  position: number;
  organization_id: string;
  item_id: string;
  /** The item as JSON. */
  item: string;
}

export interface ChatbotsTable {
  id: string;
  organization_id: string;
  name: string;
  model: string;
  system_prompt: string | null;
  /** JSON of ChatbotParameters. */
  parameters: string;
  /** JSON array of model ids. */
  fallbacks: string;
  created_at: string;
  updated_at: string;
}

export interface VideoJobsTable {
  id: string;
  organization_id: string;
  api_key_id: string;
  request_id: string;
  model: string;
  provider: string;
  deployment: string | null;
  upstream_id: string;
  status: string;
  progress: number;
  prompt: string;
  seconds: number;
  size: string;
  remixed_from: string | null;
  /** JSON of `{code, message}`; null unless failed. */
  error: string | null;
  /** Unix milliseconds, like every time below. */
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  settled_at: number | null;
  /** Micro-credits billed; null until settled. */
  cost: number | null;
  owner: string;
  heartbeat_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  applied_at: string;
}
