import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import type { AuthenticatedKey } from '../store/store.ts';
import type { KeyCache } from './key-cache.ts';

/**
 * The authenticate phase: finds the caller's key from `Authorization: Bearer <key>` (OpenAI SDKs)
 * or `x-api-key: <key>` (Anthropic SDKs, Claude Code), both accepted on every path. Served from
 * memory. Refuses a missing, malformed, unknown, revoked or expired key, and a disabled organization.
 */
export async function authenticateCredentials(
  credentials: { authorization: string | undefined; apiKey: string | string[] | undefined },
  keyCache: KeyCache,
): Promise<AuthenticatedKey> {
  const { authorization, apiKey } = credentials;
  let secret: string | undefined;
  if (typeof apiKey === 'string' && apiKey.trim() !== '') {
    secret = apiKey.trim();
  } else if (authorization === undefined) {
    throw GATEWAY_ERRORS.authorizationMissing();
  } else {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw GATEWAY_ERRORS.bearerMissing();
    secret = match[1];
  }
  const key = await keyCache.authenticate(secret);
  if (!key) throw GATEWAY_ERRORS.invalidApiKey();
  if (key.organizationDisabledAt) throw GATEWAY_ERRORS.organizationDisabled();
  return key;
}
