/** The gateway's JSON as the dashboard reads it (snake_case, as the API writes it). Amounts come as decimal strings and integer micro-credits. */

export interface ListOf<Item> {
  object: 'list';
  data: Item[];
}

export interface RateLimits {
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  concurrent_requests: number | null;
}

export interface RequestLogging {
  bodies: boolean;
  retention_days: number;
}

export interface Organization {
  id: string;
  object: 'organization';
  name: string;
  created_at: string;
  disabled: boolean;
  disabled_at: string | null;
  limits: RateLimits;
  balance: string;
  balance_micros: number;
  /** Absent on a gateway older than the request log. */
  request_logging?: RequestLogging;
}

export interface KeyLimits extends RateLimits {
  lifetime_budget: string | null;
  lifetime_budget_micros: number | null;
  monthly_budget: string | null;
  monthly_budget_micros: number | null;
}

export interface ApiKey {
  id: string;
  object: 'api_key';
  organization: string;
  name: string | null;
  prefix: string;
  status: 'active' | 'revoked' | 'expired';
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
  allowed_models: string[] | null;
  limits: KeyLimits;
}

/** The answer to a key's creation: the only time its secret is shown. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}

export interface LedgerEntry {
  id: string;
  object: 'ledger_entry';
  key_id: string | null;
  kind: 'top_up' | 'debit' | 'adjustment';
  amount: string;
  amount_micros: number;
  reason: string | null;
  request_id: string | null;
  created_at: string;
}

export interface TopUpAnswer {
  entry: LedgerEntry;
  balance: string;
  balance_micros: number;
}

export interface Credits {
  object: 'credits';
  organization: string;
  balance: string;
  balance_micros: number;
}

/** One request of the log (a usage record). */
export interface RequestRow {
  id: string;
  object: 'request';
  created_at: string;
  organization: string;
  key_id: string;
  surface: string;
  model: string;
  provider: string;
  deployment: string | null;
  status: number;
  error_code: string | null;
  streamed: boolean;
  input_tokens: number | null;
  cached_input_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  cost: string;
  cost_micros: number;
  latency_ms: number;
  time_to_first_token_ms: number | null;
  usage_flag: string | null;
  has_bodies: boolean;
}

export interface RequestDetail extends RequestRow {
  request_body: string | null;
  response_body: string | null;
}

export interface RequestPage extends ListOf<RequestRow> {
  has_more: boolean;
  next_cursor: string | null;
}

export type SeriesBucket = 'minute' | 'hour' | 'day';
export type SeriesGroup = 'model' | 'key' | 'organization';

export interface SeriesPoint {
  bucket_start: string;
  /** The model id, key id or organization name; null when not grouped. */
  group: string | null;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost: string;
  cost_micros: number;
  avg_latency_ms: number | null;
  avg_time_to_first_token_ms: number | null;
}

export interface SeriesList extends ListOf<SeriesPoint> {
  bucket: SeriesBucket;
  group_by: SeriesGroup | null;
}

export interface Deployment {
  name: string;
  base_url: string;
  weight: number;
  breaker: string;
  latency_ewma_ms: number | null;
  in_flight: number | null;
  last_error: string | null;
}

export interface Provider {
  id: string;
  object: 'provider';
  type: string;
  display_name: string;
  deployments: Deployment[];
}

export interface CatalogModel {
  id: string;
  provider: string;
  provider_enabled: boolean;
}
