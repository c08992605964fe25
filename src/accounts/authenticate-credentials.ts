import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import type { AuthenticatedKey } from '../store/store.ts';
import type { KeyCache } from './key-cache.ts';

/**
 * The authenticate phase: finds the caller's key from `Authorization: Bearer <key>` (OpenAI SDKs),
 * `x-api-key: <key>` (Anthropic SDKs, Claude Code) or `x-goog-api-key: <key>` (Google's SDKs), all
 * accepted on every path, or from `?key=<key>` (Google's curl examples) where the route allows it
 * (the Gemini API surface's). Served from memory. Refuses a missing, malformed, unknown, revoked or
 * expired key, and a disabled organization.
 */
export async function authenticateCredentials(
  credentials: { authorization: string | undefined; apiKey: string | string[] | undefined; googleApiKey?: string | string[] | undefined; queryKey?: unknown },
  keyCache: KeyCache,
): Promise<AuthenticatedKey> {
  const { authorization } = credentials;
  const apiKey = [credentials.apiKey, credentials.googleApiKey, credentials.queryKey].find((value): value is string => typeof value === 'string' && value.trim() !== '');
  let secret: string | undefined;
  if (apiKey !== undefined) {
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
