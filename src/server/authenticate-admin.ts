import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS, type GatewayError } from '../core/gateway-error.ts';

/**
 * Guards the admin API: `Authorization: Bearer <SWITCHYARD_ADMIN_TOKEN>`, nothing else (tenant
 * keys and `x-api-key` are never admin credentials). The presented token and the configured one
 * are compared as SHA-256 digests with timingSafeEqual: equal lengths, constant time, so neither
 * the token's content nor its length leaks through timing.
 */
export function authenticateAdmin(request: FastifyRequest, adminTokenDigest: Buffer): void {
  checkBearerToken(request.headers.authorization, adminTokenDigest, GATEWAY_ERRORS.invalidAdminToken);
}

/** The same check for any operator token (the admin API's, the metrics'): throws `refuse()` for a wrong one. */
export function checkBearerToken(authorization: string | undefined, tokenDigest: Buffer, refuse: () => GatewayError): void {
  if (authorization === undefined) throw GATEWAY_ERRORS.authorizationMissing();
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw GATEWAY_ERRORS.bearerMissing();
  if (!timingSafeEqual(digestAdminToken(match[1]), tokenDigest)) throw refuse();
}

export function digestAdminToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
