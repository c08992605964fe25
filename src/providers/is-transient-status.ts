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

/**
 * The same judgement for an error a provider sends inside a stream, by its type or code: the
 * provider failed (Anthropic's `overloaded_error` and `api_error`, OpenAI's `server_error`, …),
 * not the request (`invalid_request_error`, `context_length_exceeded`, …).
 */
export function isTransientErrorType(kind: string): boolean {
  return TRANSIENT_ERROR_TYPE.test(kind);
}

const TRANSIENT_ERROR_TYPE = /overloaded|api_error|server_error|internal|timeout|unavailable|rate_limit/i;
