/**
 * The persistence contract. The embedded SQLite store implements it today; a PostgreSQL store
 * implements the same interface for multi-instance deployments. Methods are async so either fits.
 * Nothing on the request hot path calls the store: keys are served from memory (accounts/key-cache)
 * and usage is written in batches (usage/usage-recorder).
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

  createApiKey(key: Omit<ApiKeyRecord, 'version'>): Promise<ApiKeyRecord>;
  listApiKeys(organizationId?: string): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; returns it, or undefined when no key has that id. */
  revokeApiKey(id: string, revokedAt: string): Promise<ApiKeyRecord | undefined>;
  /**
   * Keys created or changed after `version` (a store-wide counter that grows with every key
   * write), with the organization each belongs to. Lets every instance keep its key cache current.
   */
  listApiKeysChangedSince(version: number): Promise<AuthenticatedKey[]>;

  insertUsageRecords(records: UsageRecord[]): Promise<void>;
  listUsageRecords(filter?: { organizationId?: string; limit?: number }): Promise<UsageRecord[]>;

  /** Remembers who created a Responses API response at its provider (one write per create, off the chat path). */
  insertResponseRecord(record: ResponseRecord): Promise<void>;
  findResponseRecord(id: string): Promise<ResponseRecord | undefined>;
  /**
   * Marks a response's tokens as recorded; true only for the first caller, so a background
   * response is billed once however often it is polled.
   */
  markResponseUsageRecorded(id: string, recordedAt: number): Promise<boolean>;
}

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
}

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
  disabledAt: string | null;
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
  version: number;
}

/** A key joined with its organization: what authentication needs to know, all of it in memory. */
export interface AuthenticatedKey extends ApiKeyRecord {
  organizationName: string;
  organizationDisabledAt: string | null;
}

export type Surface = 'openai-chat' | 'anthropic-messages' | 'openai-responses';

/** One request, as the gateway saw it. Token counts are undefined when the provider reported none. */
export interface UsageRecord {
  requestId: string;
  organizationId: string;
  apiKeyId: string;
  model: string;
  provider: string;
  /** The API the client called. */
  surface: Surface;
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
  /** Unix milliseconds. */
  createdAt: number;
}
