/**
 * The one definition of a transient provider failure: an HTTP status that means the same request
 * may succeed a moment later. 408 request timeout, 429 rate limited, 500/502/503/504 the provider
 * or a proxy in front of it failing, 529 Anthropic overloaded. 501 and 505 will not change on a
 * retry. Mapped errors carry it as `GatewayError.retryable`; pass-through answers are judged by it
 * directly; every retry in the gateway (gateway/retry-transient.ts) follows it. Transport failures
 * (connection refused or reset, timeouts) are transient too (`upstream-client.ts`).
 */
export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status);
}

const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504, 529]);
