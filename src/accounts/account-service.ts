import type { ModelCatalog } from '../catalog/model-catalog.ts';
import { parseIsoTime } from '../core/parse-iso-time.ts';
import { DEFAULT_REQUEST_LOGGING, type ApiKeyRecord, type KeyLimits, type LedgerEntry, type Organization, type OrganizationLimits, type RequestLogging, type Store, type UsageSummaryFilter, type UsageSummaryRow } from '../store/store.ts';
import { AccountError } from './account-error.ts';
import { generateApiKey, generateId } from './api-key-secret.ts';
import { applyLimitChanges, type LimitChanges } from './apply-limit-changes.ts';
import type { KeyCache } from './key-cache.ts';

/** What an operator may set on a new key besides its label. */
export interface ApiKeySettings {
  /** ISO time after which the key is refused; must lie in the future. */
  expiresAt?: string | null;
  /** The only model ids the key may call; null for every model. */
  allowedModels?: string[] | null;
  limits?: LimitChanges<KeyLimits>;
}

/** A change to a key: absent fields stay as they are, null clears; limits are merged field by field. */
export interface ApiKeyChanges extends ApiKeySettings {
  name?: string | null;
}

/** A change to an organization: its switch and/or its limits (merged field by field). */
export interface OrganizationChanges {
  /** true refuses every request of the organization with a 403; false lets them through again. */
  disabled?: boolean;
  limits?: LimitChanges<OrganizationLimits>;
  /** Whether the request log keeps the organization's prompt and answer bodies, and for how many days. */
  requestLogging?: Partial<RequestLogging>;
}

/** The longest an organization may keep bodies: a year. */
export const MAX_BODY_RETENTION_DAYS = 365;

/**
 * Where top-ups go when credit metering runs (`metering/credit-service.ts`): it writes the ledger
 * and also moves the balances requests are admitted against, in memory or in Redis.
 */
export interface CreditLedger {
  topUp(organizationId: string, amount: number, reason: string | null): Promise<LedgerEntry>;
}

export interface AccountServiceOptions {
  /** This process's key cache: changes are synced into it before a method returns. */
  keyCache?: KeyCache;
  /** When given, a key's allowed models must name models of this catalog. */
  catalog?: ModelCatalog;
  /** When given, top-ups go through it; otherwise straight to the store's ledger. */
  credits?: CreditLedger;
}

const MAX_REASON_LENGTH = 500;
const MAX_KEY_NAME_LENGTH = 100;

/**
 * Organizations, API keys and credit top-ups: the one service layer behind the CLI and the admin
 * API. Knows nothing of HTTP. Every change that authentication depends on (a revoked key, a
 * disabled organization) is synced into this process's key cache before the method returns, so
 * the very next request sees it; other processes pick it up from the store within a second.
 */
export class AccountService {
  private readonly keyCache?: KeyCache;
  private readonly catalog?: ModelCatalog;
  private readonly credits?: CreditLedger;

  constructor(
    private readonly store: Store,
    options: AccountServiceOptions = {},
  ) {
    this.keyCache = options.keyCache;
    this.catalog = options.catalog;
    this.credits = options.credits;
  }

  async createOrganization(name: string, limits: LimitChanges<OrganizationLimits> = {}): Promise<Organization> {
    const trimmed = name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(trimmed)) {
      throw new AccountError('invalid', `Organization name '${name}' is invalid: use 1-64 letters, digits, '.', '_' or '-'`, 'name');
    }
    if (await this.store.findOrganizationByName(trimmed)) throw new AccountError('conflict', `Organization '${trimmed}' already exists`, 'name');
    const organization: Organization = {
      id: generateId('org'),
      name: trimmed,
      createdAt: new Date().toISOString(),
      disabledAt: null,
      limits: applyLimitChanges<OrganizationLimits>({}, limits),
      requestLogging: DEFAULT_REQUEST_LOGGING,
    };
    await this.store.createOrganization(organization);
    return organization;
  }

  listOrganizations(): Promise<Organization[]> {
    return this.store.listOrganizations();
  }

  async requireOrganization(name: string): Promise<Organization> {
    const organization = await this.store.findOrganizationByName(name);
    if (!organization) throw new AccountError('not_found', `Organization '${name}' not found`);
    return organization;
  }

  /** Disables or enables an organization (every key of it at once) and/or changes its limits. */
  async updateOrganization(name: string, changes: OrganizationChanges): Promise<Organization> {
    const organization = await this.requireOrganization(name);
    const updated = await this.store.updateOrganization(organization.id, {
      disabledAt: changes.disabled === undefined ? undefined : changes.disabled ? (organization.disabledAt ?? new Date().toISOString()) : null,
      limits: changes.limits === undefined ? undefined : applyLimitChanges(organization.limits, changes.limits),
      requestLogging: changes.requestLogging === undefined ? undefined : checkRequestLogging({ ...organization.requestLogging, ...changes.requestLogging }),
    });
    if (!updated) throw new AccountError('not_found', `Organization '${name}' not found`);
    // The store bumped the versions of the organization's keys: each cached key carries its organization's state.
    await this.keyCache?.sync();
    return updated;
  }

  /** Creates a key; the secret is returned here once and never stored. */
  async createApiKey(organizationName: string, name?: string | null, settings: ApiKeySettings = {}): Promise<{ key: ApiKeyRecord; secret: string }> {
    const organization = await this.requireOrganization(organizationName);
    const { secret, prefix, hash } = generateApiKey();
    const key = await this.store.createApiKey({
      id: generateId('key'),
      organizationId: organization.id,
      name: checkKeyName(name),
      prefix,
      hash,
      createdAt: new Date().toISOString(),
      revokedAt: null,
      expiresAt: checkExpiry(settings.expiresAt),
      allowedModels: this.checkAllowedModels(settings.allowedModels),
      limits: applyLimitChanges<KeyLimits>({}, settings.limits ?? {}),
    });
    this.keyCache?.apply({ ...key, organizationName: organization.name, organizationDisabledAt: organization.disabledAt, organizationLimits: organization.limits, organizationRequestLogging: organization.requestLogging });
    return { key, secret };
  }

  async listApiKeys(organizationName?: string): Promise<ApiKeyRecord[]> {
    const organization = organizationName ? await this.requireOrganization(organizationName) : undefined;
    return this.store.listApiKeys(organization?.id);
  }

  async requireApiKey(id: string): Promise<ApiKeyRecord> {
    const key = (await this.store.listApiKeys()).find((candidate) => candidate.id === id);
    if (!key) throw new AccountError('not_found', `API key '${id}' not found`);
    return key;
  }

  /** Changes a key's label, expiry, allowed models or limits. */
  async updateApiKey(id: string, changes: ApiKeyChanges): Promise<ApiKeyRecord> {
    const current = await this.requireApiKey(id);
    const key = await this.store.updateApiKey(id, {
      name: changes.name === undefined ? undefined : checkKeyName(changes.name),
      expiresAt: changes.expiresAt === undefined ? undefined : checkExpiry(changes.expiresAt),
      allowedModels: changes.allowedModels === undefined ? undefined : this.checkAllowedModels(changes.allowedModels),
      limits: changes.limits === undefined ? undefined : applyLimitChanges(current.limits, changes.limits),
    });
    if (!key) throw new AccountError('not_found', `API key '${id}' not found`);
    await this.keyCache?.sync();
    return key;
  }

  async revokeApiKey(id: string): Promise<ApiKeyRecord> {
    const key = await this.store.revokeApiKey(id, new Date().toISOString());
    if (!key) throw new AccountError('not_found', `API key '${id}' not found`);
    await this.keyCache?.sync();
    return key;
  }

  /**
   * Adds credits to an organization's ledger (a `top_up` entry). Amounts are integer
   * micro-credits: callers parse decimal input with `parseDecimalMicros`, never with floats.
   */
  async addCredits(organizationName: string, amountMicros: number, reason?: string | null): Promise<{ entry: LedgerEntry; balance: number }> {
    const organization = await this.requireOrganization(organizationName);
    if (!Number.isSafeInteger(amountMicros) || amountMicros <= 0) throw new AccountError('invalid', 'The amount of a top-up must be more than 0', 'amount');
    const trimmedReason = reason?.trim() || null;
    if (trimmedReason && trimmedReason.length > MAX_REASON_LENGTH) throw new AccountError('invalid', `The reason must be at most ${MAX_REASON_LENGTH} characters`, 'reason');
    if (this.credits) {
      const entry = await this.credits.topUp(organization.id, amountMicros, trimmedReason);
      return { entry, balance: await this.balanceOf(organization) };
    }
    const entry: LedgerEntry = {
      id: generateId('led'),
      organizationId: organization.id,
      apiKeyId: null,
      amount: amountMicros,
      kind: 'top_up',
      reason: trimmedReason,
      requestId: null,
      createdAt: new Date().toISOString(),
    };
    await this.store.appendLedgerEntries([entry]);
    return { entry, balance: await this.balanceOf(organization) };
  }

  /** An organization's balance in micro-credits: the sum of its ledger. */
  async balance(organizationName: string): Promise<number> {
    return this.balanceOf(await this.requireOrganization(organizationName));
  }

  /** Every organization's balance in micro-credits, by organization id (absent: never topped up). */
  listBalances(): Promise<Map<string, number>> {
    return this.store.listBalances();
  }

  /** Ledger entries, newest first; only the named organization's when one is named. */
  async listLedger(filter: { organizationName?: string; limit?: number } = {}): Promise<LedgerEntry[]> {
    const organization = filter.organizationName ? await this.requireOrganization(filter.organizationName) : undefined;
    return this.store.listLedgerEntries({ organizationId: organization?.id, limit: filter.limit });
  }

  /** Usage totals grouped by day, model, key and/or organization; only the named organization's when one is named. */
  async summarizeUsage(filter: Omit<UsageSummaryFilter, 'organizationId'> & { organizationName?: string }): Promise<UsageSummaryRow[]> {
    const organization = filter.organizationName ? await this.requireOrganization(filter.organizationName) : undefined;
    return this.store.summarizeUsage({ organizationId: organization?.id, from: filter.from, to: filter.to, groupBy: filter.groupBy });
  }

  /**
   * Read from the store's ledger, not the admission counters: a one-shot CLI command never loads
   * those. Debits of the last quarter second, still queued, are not in it yet.
   */
  private async balanceOf(organization: Organization): Promise<number> {
    return (await this.store.listBalances()).get(organization.id) ?? 0;
  }

  private checkAllowedModels(models: string[] | null | undefined): string[] | null {
    if (models === undefined || models === null) return null;
    const unique = [...new Set(models.map((model) => model.trim()))];
    if (unique.length === 0 || unique.includes('')) throw new AccountError('invalid', 'Allowed models must name at least one model (leave them unset to allow every model)', 'allowed_models');
    const unknown = this.catalog ? unique.filter((model) => !this.catalog!.find(model)) : [];
    if (unknown.length > 0) throw new AccountError('invalid', `Allowed models name models the catalog does not have: ${unknown.join(', ')}`, 'allowed_models');
    return unique;
  }
}

function checkKeyName(name: string | null | undefined): string | null {
  const trimmed = name?.trim() || null;
  if (trimmed && trimmed.length > MAX_KEY_NAME_LENGTH) throw new AccountError('invalid', `A key name must be at most ${MAX_KEY_NAME_LENGTH} characters`, 'name');
  return trimmed;
}

function checkRequestLogging(logging: RequestLogging): RequestLogging {
  if (!Number.isInteger(logging.retentionDays) || logging.retentionDays < 1 || logging.retentionDays > MAX_BODY_RETENTION_DAYS) {
    throw new AccountError('invalid', `Body retention must be a whole number of days from 1 to ${MAX_BODY_RETENTION_DAYS}`, 'request_logging.retention_days');
  }
  return { bodies: logging.bodies === true, retentionDays: logging.retentionDays };
}

/** An expiry as a canonical ISO time; one already past is refused (revoke the key instead). */
function checkExpiry(expiresAt: string | null | undefined): string | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  const time = parseIsoTime(expiresAt);
  if (!time.ok) throw new AccountError('invalid', `Expiry ${time.error}`, 'expires_at');
  if (Date.parse(time.value) <= Date.now()) throw new AccountError('invalid', `Expiry ${time.value} is in the past; revoke the key instead`, 'expires_at');
  return time.value;
}
