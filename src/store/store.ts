import type { SurfaceId } from '../core/surface-id.ts';

/**
 * The persistence contract, implemented once with Kysely (store/kysely/) for the embedded SQLite
 * file and for PostgreSQL (DATABASE_URL, several instances); test/store/store-contract.test.ts
 * runs the same suite against both.
 * Nothing on the request hot path calls the store: keys are served from memory (accounts/key-cache)
 * and usage is written in batches (usage/usage-recorder); a chatbot's preset is read at most once
 * every two seconds per instance (accounts/chatbot-cache).
 */
export interface Store {
  /** Creates or upgrades the schema; safe to call on every start. */
  migrate(): Promise<void>;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createOrganization(organization: Organization): Promise<void>;
  findOrganizationByName(name: string): Promise<Organization | undefined>;
  listOrganizations(): Promise<Organization[]>;
  /**
   * Changes an organization's switch or limits; bumps the key version of all its keys so every
   * instance's key cache (which carries the organization's state) picks the change up.
   */
  updateOrganization(id: string, changes: { disabledAt?: string | null; limits?: OrganizationLimits; requestLogging?: RequestLogging }): Promise<Organization | undefined>;

  createApiKey(key: Omit<ApiKeyRecord, 'version'>): Promise<ApiKeyRecord>;
  listApiKeys(organizationId?: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; returns it, or undefined when no key has that id. */
  revokeApiKey(id: string, revokedAt: string): Promise<ApiKeyRecord | undefined>;
  /** Changes a key's label, expiry, model allow-list or limits (bumps its version). */
  updateApiKey(id: string, changes: { name?: string | null; expiresAt?: string | null; allowedModels?: string[] | null; limits?: KeyLimits }): Promise<ApiKeyRecord | undefined>;
  /**
   * Keys created or changed after `version` (a store-wide counter that grows with every key
   * write), with the organization each belongs to. Lets every instance keep its key cache current.
   */
  listApiKeysChangedSince(version: number): Promise<AuthenticatedKey[]>;
  /** A key with its organization's facts, whatever its state (revoked keys too): for work done on its behalf later (a video job's billing). */
  findAuthenticatedKey(id: string): Promise<AuthenticatedKey | undefined>;

  /**
   * Writes a batch of usage records and the ledger entries they cause (debits) in one transaction.
   * Idempotent: a record whose request id is already stored is skipped with its debit, so a
   * retried batch never counts or bills a request twice.
   */
  insertUsageRecords(records: UsageRecord[], debits?: LedgerEntry[]): Promise<void>;
  listUsageRecords(filter?: { organizationId?: string; limit?: number }): Promise<UsageRecord[]>;
  /**
   * The request log: usage records newest first (bodies left out, `hasBodies` says whether they
   * are kept), filtered, one page after the `after` position (keyset pagination).
   */
  listRequests(filter: RequestLogFilter): Promise<UsageRecord[]>;
  /** One request of the log with its bodies; only the organization's own when `organizationId` is given. */
  findRequest(requestId: string, organizationId?: string): Promise<UsageRecord | undefined>;
  /** Requests, errors, tokens, cost and latency per time bucket (and group), oldest bucket first: the dashboard's charts. */
  usageSeries(filter: UsageSeriesFilter): Promise<UsageSeriesRow[]>;
  /** Removes the bodies whose retention ended before `now` (Unix ms); how many records lost them. */
  expireRequestBodies(now: number): Promise<number>;
  /** Deletes the usage records created before `before` (Unix ms; the request log's retention); how many. Ledger entries stay. */
  deleteUsageRecordsBefore(before: number): Promise<number>;
  /** Usage totals grouped by any of day (UTC), model, key and organization, newest day first. */
  summarizeUsage(filter: UsageSummaryFilter): Promise<UsageSummaryRow[]>;

  /** Appends ledger entries (top-ups, adjustments). The ledger is append-only: entries are never changed or removed. */
  appendLedgerEntries(entries: LedgerEntry[]): Promise<void>;
  listLedgerEntries(filter: { organizationId?: string; limit?: number }): Promise<LedgerEntry[]>;
  /** Each organization's balance: the sum of its ledger, in micro-credits. */
  listBalances(): Promise<Map<string, number>>;
  /** Micro-credits a key has spent (sum of its debits), all time and since `since` (ISO time). */
  keySpend(apiKeyId: string, since: string): Promise<{ lifetime: number; sinceStart: number }>;

  /**
   * Stores a Responses API response created through the gateway (one write per create, off the
   * chat path): whose it is, who holds it, and its items when given. Idempotent on the id.
   */
  insertResponseRecord(record: ResponseRecord, items?: ResponseItem[]): Promise<void>;
  findResponseRecord(id: string): Promise<ResponseRecord | undefined>;
  /** Adds items to a stored response (a passed-through response's output, once it finished). */
  addResponseItems(responseId: string, organizationId: string, items: ResponseItem[]): Promise<void>;
  /** Applies a batch of response writes in order, in one transaction (the stored-responses writer's group commit). */
  writeResponses(writes: ResponseWrite[]): Promise<void>;
  /**
   * Changes a gateway-held response's status, body or heartbeat. With `whileStatusIn`, only while
   * its status is one of those (a cancel never overwrites a finished response): true when changed.
   */
  updateResponse(id: string, fields: ResponseUpdate, whileStatusIn?: string[]): Promise<boolean>;
  /** The organization's stored items with these ids (the latest copy of each). */
  findResponseItems(organizationId: string, itemIds: string[]): Promise<StoredResponseItem[]>;
  /**
   * Every item that went into and came out of a response and the responses it continues
   * (`previous_response_id`, followed within the organization), oldest first: each response's
   * input, then its output. One query.
   */
  listResponseContext(organizationId: string, responseId: string): Promise<StoredResponseItem[]>;
  /** Gateway-held responses still queued or in progress whose runner was last alive before `heartbeatBefore`. */
  listStalledResponses(heartbeatBefore: number): Promise<ResponseRecord[]>;
  deleteResponse(id: string): Promise<void>;
  /** Deletes every response (and its items) that expired before `now`; how many. */
  deleteExpiredResponses(now: number): Promise<number>;
  /**
   * Marks a response's tokens as recorded; true only for the first caller, so a background
   * response is billed once however often it is polled.
   */
  markResponseUsageRecorded(id: string, recordedAt: number): Promise<boolean>;

  /** Stores a new chatbot; refused when its organization already has one of that name. */
  createChatbot(chatbot: Chatbot): Promise<void>;
  findChatbot(id: string): Promise<Chatbot | undefined>;
  /** Chatbots in creation order; only the organization's when one is given. */
  listChatbots(organizationId?: string): Promise<Chatbot[]>;
  /** Changes a chatbot's settings (absent fields stay); returns it, or undefined when no chatbot has that id. */
  updateChatbot(id: string, changes: ChatbotChanges): Promise<Chatbot | undefined>;
  /** Deletes a chatbot; the deleted one, or undefined when no chatbot has that id. */
  deleteChatbot(id: string): Promise<Chatbot | undefined>;

  createVideoJob(job: VideoJob): Promise<void>;
  findVideoJob(id: string): Promise<VideoJob | undefined>;
  /** An organization's jobs by creation time, a page after the job `after` (exclusive). */
  listVideoJobs(organizationId: string, page: { after?: VideoJob; limit: number; order: 'asc' | 'desc' }): Promise<VideoJob[]>;
  /**
   * Changes a job that is not settled yet and that `owner` follows; `settle` sets `settled_at` too.
   * True only when it changed it: the one write that settles a job is the one that bills it.
   */
  updateVideoJob(id: string, owner: string, changes: VideoJobChanges): Promise<boolean>;
  /** Stamps the heartbeat of the unsettled jobs `owner` follows. */
  stampVideoJobs(owner: string, ids: string[], now: number): Promise<void>;
  /** Unsettled jobs whose owner has not stamped them since `heartbeatBefore`. */
  listStalledVideoJobs(heartbeatBefore: number): Promise<VideoJob[]>;
  /** Makes `owner` the one that follows a stalled job; true only for the instance that takes it. */
  takeOverVideoJob(id: string, owner: string, staleHeartbeat: number, now: number): Promise<boolean>;
  /** Deletes a settled job; true when there was one. */
  deleteVideoJob(id: string): Promise<boolean>;
}

export const VIDEO_JOB_STATUSES = ['queued', 'in_progress', 'completed', 'failed'] as const;
export type VideoJobStatus = (typeof VIDEO_JOB_STATUSES)[number];

/**
 * A video generation job (`/v1/videos`) as the gateway keeps it: the gateway's id for the
 * provider's job, scoped to the organization that made it, billed once when it ends.
 */
export interface VideoJob {
  /** The gateway's id (`video_…`), what clients see. */
  id: string;
  organizationId: string;
  apiKeyId: string;
  /** The create request's id: the usage record and ledger entry of the job carry it. */
  requestId: string;
  /** The model as the client named it. */
  model: string;
  provider: string;
  /** The deployment that runs the job: every later call about it goes there. */
  deployment: string | null;
  /** The provider's id of the job (OpenAI's `video_…`, Google's operation name). */
  upstreamId: string;
  status: VideoJobStatus;
  /** 0–100. */
  progress: number;
  prompt: string;
  seconds: number;
  /** `WIDTHxHEIGHT`. */
  size: string;
  /** The job this one remixes, by the gateway's id. */
  remixedFrom: string | null;
  error: { code: string; message: string } | null;
  /** Unix milliseconds, like every time below. */
  createdAt: number;
  completedAt: number | null;
  expiresAt: number | null;
  /** When the job was billed (it ended); null while it runs. */
  settledAt: number | null;
  /** Micro-credits billed; null until settled. */
  cost: number | null;
  /** The gateway instance that follows the job. */
  owner: string;
  heartbeatAt: number;
}

export type VideoJobChanges = Partial<Pick<VideoJob, 'status' | 'progress' | 'error' | 'completedAt' | 'expiresAt' | 'cost'>> & { settle?: number };

/**
 * An organization's chatbot: a named preset that `POST /v1/gateway/chatbots/{id}/chat/completions`
 * turns into a chat request (system prompt first, parameters applied, fallbacks after the model).
 */
export interface Chatbot {
  /** `cb_…`, random. */
  id: string;
  organizationId: string;
  name: string;
  /** A catalog model id. */
  model: string;
  systemPrompt: string | null;
  parameters: ChatbotParameters;
  /** Models tried in order after `model` when its provider fails. */
  fallbacks: string[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The chat request parameters a chatbot sets, under their OpenAI Chat Completions names: they go
 * into the request as they are, so no mapping stands between the preset and the wire.
 */
export interface ChatbotParameters {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  reasoning_effort?: string;
  response_format?: { type: string; [field: string]: unknown };
  stop?: string | string[];
  seed?: number;
}

export type ChatbotChanges = Partial<Pick<Chatbot, 'name' | 'model' | 'systemPrompt' | 'parameters' | 'fallbacks' | 'updatedAt'>>;

/** A Responses API response created through the gateway, and whose it is. */
export interface ResponseRecord {
  id: string;
  organizationId: string;
  apiKeyId: string;
  provider: string;
  /** The model id the client asked for. */
  model: string;
  /** Unix milliseconds. */
  createdAt: number;
  /** Unix milliseconds at which its tokens were recorded; null while it runs in the background. */
  usageRecordedAt: number | null;
  /** Who answers retrieve, cancel and delete: its provider (passed through), or the gateway (a translated model's response). */
  holder: 'provider' | 'gateway';
  /** The response it continues. */
  previousResponseId: string | null;
  /** Unix milliseconds after which it is deleted (the retention setting). */
  expiresAt: number;
  /** A gateway-held response's status and body (the Response as JSON); null for provider-held ones. */
  status: string | null;
  body: string | null;
  /** Unix milliseconds: a gateway-held background response's runner was last alive. */
  heartbeatAt: number | null;
  /** The provider deployment that holds a passed-through response (its retrieve and continuation go there). */
  deployment?: string | null;
}

/** One queued write of the stored-responses writer: a new response with its items, or items for one already stored. */
export type ResponseWrite =
  | { kind: 'insert'; record: ResponseRecord; items: ResponseItem[] }
  | { kind: 'items'; responseId: string; organizationId: string; items: ResponseItem[] };

export type ResponseUpdate = Partial<Pick<ResponseRecord, 'status' | 'body' | 'heartbeatAt' | 'usageRecordedAt'>>;

/** One input or output item of a stored response, as JSON, at its position. */
export interface ResponseItem {
  kind: 'input' | 'output';
  position: number;
  /** The item's id: its own, or one the gateway gave it. */
  itemId: string;
  item: string;
}

export interface StoredResponseItem extends ResponseItem {
  responseId: string;
  holder: ResponseRecord['holder'];
}

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
  disabledAt: string | null;
  limits: OrganizationLimits;
  requestLogging: RequestLogging;
}

/** What the request log keeps of an organization's requests besides their metadata. */
export interface RequestLogging {
  /** Keep each request's prompt and answer bodies (opt-in). */
  bodies: boolean;
  /** Days the bodies are kept. */
  retentionDays: number;
}

/** Bodies are off unless an organization opts in; when it does, they are kept a week unless it says otherwise. */
export const DEFAULT_REQUEST_LOGGING: RequestLogging = { bodies: false, retentionDays: 7 };

/** Filters of the request log. Times are Unix milliseconds (from inclusive, to exclusive). */
export interface RequestLogFilter {
  organizationId?: string;
  apiKeyId?: string;
  model?: string;
  /** Statuses from `min` to `max`, inclusive. */
  status?: { min: number; max: number };
  from?: number;
  to?: number;
  /** The last row of the previous page: rows strictly older (by time, then request id). */
  after?: { createdAt: number; requestId: string };
  limit: number;
}

export interface UsageSeriesFilter {
  organizationId?: string;
  apiKeyId?: string;
  model?: string;
  /** Unix milliseconds, from inclusive, to exclusive. */
  from: number;
  to: number;
  /** Bucket width in milliseconds (a minute, an hour, a day: UTC-aligned, as the epoch is). */
  bucketMs: number;
  groupBy?: 'model' | 'key' | 'organization';
}

export interface UsageSeriesRow {
  /** Unix milliseconds: the bucket's start. */
  bucketStart: number;
  /** The group's model id, key id or organization id; undefined without grouping. */
  group?: string;
  requests: number;
  /** Requests answered with a status of 400 or more. */
  errors: number;
  promptTokens: number;
  completionTokens: number;
  /** Micro-credits. */
  cost: number;
  latencyMsTotal: number;
  /** Requests that measured a time to first token, and its total. */
  firstTokenCount: number;
  timeToFirstTokenMsTotal: number;
}

/** Limits of a whole organization; absent means unlimited. */
export interface OrganizationLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  concurrentRequests?: number;
}

/** Limits of one key; absent means unlimited. Budgets are in micro-credits. */
export interface KeyLimits extends OrganizationLimits {
  lifetimeBudget?: number;
  monthlyBudget?: number;
}

/**
 * One line of an organization's credit ledger, in micro-credits (1 credit = 1,000,000 micro-credits):
 * positive for top-ups, negative for debits. The balance is always the sum of the ledger.
 */
export interface LedgerEntry {
  id: string;
  organizationId: string;
  /** The key a debit is charged to; null for top-ups and adjustments. */
  apiKeyId: string | null;
  amount: number;
  kind: 'top_up' | 'debit' | 'adjustment';
  reason: string | null;
  /** The request a debit pays for: at most one debit per request. */
  requestId: string | null;
  createdAt: string;
}

export interface UsageSummaryFilter {
  organizationId?: string;
  /** ISO times, inclusive start, exclusive end. */
  from?: string;
  to?: string;
  groupBy: ('day' | 'model' | 'key' | 'organization')[];
}

export interface UsageSummaryRow {
  day?: string;
  model?: string;
  apiKeyId?: string;
  organizationId?: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Micro-credits debited. */
  cost: number;
  /** Requests whose usage was capped or estimated (UsageRecord.usageFlag): worth a look. */
  flaggedRequests: number;
}

export interface ApiKeyRecord {
  id: string;
  organizationId: string;
  name: string | null;
  /** The first characters of the key, for people to recognise it; the secret itself is never stored. */
  prefix: string;
  /** SHA-256 of the key, hex. */
  hash: string;
  createdAt: string;
  revokedAt: string | null;
  /** After this ISO time the key is refused like a revoked one. */
  expiresAt: string | null;
  /** When set, the only model ids this key may call. */
  allowedModels: string[] | null;
  limits: KeyLimits;
  version: number;
}

/** A key joined with its organization: what authentication needs to know, all of it in memory. */
export interface AuthenticatedKey extends ApiKeyRecord {
  organizationName: string;
  organizationDisabledAt: string | null;
  organizationLimits: OrganizationLimits;
  organizationRequestLogging: RequestLogging;
}

export type UsageFlag = 'usage_capped' | 'usage_estimated';

/** One request, as the gateway saw it. Token counts are undefined when the provider reported none. */
export interface UsageRecord {
  requestId: string;
  organizationId: string;
  apiKeyId: string;
  model: string;
  provider: string;
  /** The API the client called. */
  surface: SurfaceId;
  /** HTTP status the client got; 499 when the client went away first. */
  status: number;
  errorCode: string | null;
  streamed: boolean;
  promptTokens: number | null;
  cachedPromptTokens: number | null;
  cacheWriteTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  /** Micro-credits charged for the request (its debit); 0 when nothing was billed. */
  cost: number;
  /** Unix milliseconds. */
  createdAt: number;
  /**
   * Set when the tokens billed are not the provider's word: `usage_capped` (it reported more than
   * the request could produce: billed at that bound), `usage_estimated` (it reported none: counted
   * with the tokenizer). Null otherwise.
   */
  usageFlag?: UsageFlag | null;
  /** The provider deployment that answered (YAML `deployments[].name`, `default` for the environment's one); null when none did. */
  deployment?: string | null;
  /** The prompt and answer as sent (capped), when the organization keeps bodies; read back by `findRequest` only. */
  requestBody?: string | null;
  responseBody?: string | null;
  /** Unix milliseconds after which the bodies are removed. */
  bodiesExpireAt?: number | null;
  /** Set by `listRequests`: whether the record has bodies (`findRequest` reads them). */
  hasBodies?: boolean;
  /** Units billed besides tokens (images, characters, seconds: the model's `pricing.perUnit`), and the price variant; absent for token-only models. */
  units?: { unit: string; variant: string; count: number } | null;
}
