import type { FastifyRequest } from 'fastify';
import type { KeyCache } from '../accounts/key-cache.ts';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import type { AuthenticatedKey } from '../store/store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: AuthenticatedKey;
  }
}

/**
 * Finds the caller's key: `Authorization: Bearer <key>` (OpenAI SDKs) or `x-api-key: <key>`
 * (Anthropic SDKs, Claude Code), both accepted on every path. Served from memory.
 */
export async function authenticate(request: FastifyRequest, keyCache: KeyCache): Promise<AuthenticatedKey> {
  const authorization = request.headers.authorization;
  const apiKeyHeader = request.headers['x-api-key'];
  let secret: string | undefined;
  if (typeof apiKeyHeader === 'string' && apiKeyHeader.trim() !== '') {
    secret = apiKeyHeader.trim();
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
