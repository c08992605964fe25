import type { ApiKeyRecord, Organization, Store } from '../store/store.ts';
import { generateApiKey, generateId } from './api-key-secret.ts';
import type { KeyCache } from './key-cache.ts';

export class AccountError extends Error {}

/**
 * Organizations and API keys: the one service layer behind both the CLI and the server.
 * Knows nothing of HTTP.
 */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly keyCache?: KeyCache,
  ) {}

  async createOrganization(name: string): Promise<Organization> {
    const trimmed = name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(trimmed)) {
      throw new AccountError(`Organization name '${name}' is invalid: use 1-64 letters, digits, '.', '_' or '-'`);
    }
    if (await this.store.findOrganizationByName(trimmed)) throw new AccountError(`Organization '${trimmed}' already exists`);
    const organization: Organization = { id: generateId('org'), name: trimmed, createdAt: new Date().toISOString(), disabledAt: null, limits: {} };
    await this.store.createOrganization(organization);
    return organization;
  }

  listOrganizations(): Promise<Organization[]> {
    return this.store.listOrganizations();
  }

  async requireOrganization(name: string): Promise<Organization> {
    const organization = await this.store.findOrganizationByName(name);
    if (!organization) throw new AccountError(`Organization '${name}' not found`);
    return organization;
  }

  /** Creates a key; the secret is returned here once and never stored. */
  async createApiKey(organizationName: string, name?: string): Promise<{ key: ApiKeyRecord; secret: string }> {
    const organization = await this.requireOrganization(organizationName);
    const { secret, prefix, hash } = generateApiKey();
    const key = await this.store.createApiKey({
      id: generateId('key'),
      organizationId: organization.id,
      name: name ?? null,
      prefix,
      hash,
      createdAt: new Date().toISOString(),
      revokedAt: null,
      expiresAt: null,
      allowedModels: null,
      limits: {},
    });
    this.keyCache?.apply({ ...key, organizationName: organization.name, organizationDisabledAt: organization.disabledAt, organizationLimits: organization.limits });
    return { key, secret };
  }

  async listApiKeys(organizationName?: string): Promise<ApiKeyRecord[]> {
    const organization = organizationName ? await this.requireOrganization(organizationName) : undefined;
    return this.store.listApiKeys(organization?.id);
  }

  async revokeApiKey(id: string): Promise<ApiKeyRecord> {
    const key = await this.store.revokeApiKey(id, new Date().toISOString());
    if (!key) throw new AccountError(`API key '${id}' not found`);
    if (this.keyCache) await this.keyCache.refresh();
    return key;
  }
}
