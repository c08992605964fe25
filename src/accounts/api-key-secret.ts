import { hash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sy_';

/** A new API key: the secret (shown once), a recognisable prefix and the hash that is stored. */
export function generateApiKey(): { secret: string; prefix: string; hash: string } {
  const secret = `${API_KEY_PREFIX}${randomBytes(30).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, API_KEY_PREFIX.length + 6), hash: hashApiKey(secret) };
}

/**
 * SHA-256, hex. Keys carry 240 random bits, so a fast hash is safe here (no password stretching
 * needed) and keeps authentication cheap.
 */
export function hashApiKey(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Short random ids for rows: `org_…`, `key_…`, `led_…` (ledger entries), `cb_…` (chatbots). */
export function generateId(kind: 'org' | 'key' | 'led' | 'cb'): string {
  return `${kind}_${randomBytes(12).toString('base64url')}`;
}
