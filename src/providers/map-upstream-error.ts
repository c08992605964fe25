import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import { isTransientStatus } from './is-transient-status.ts';

/**
 * Turns a provider's non-2xx answer into the gateway's error. The client sees the provider's own
 * message when the request was at fault (4xx), a gateway message when the gateway's credentials
 * or the provider are at fault; secrets are scrubbed from anything that reaches the client.
 */
export function mapUpstreamError(options: {
  provider: string;
  status: number;
  message: string | undefined;
  param?: string | null;
  rawBody: string;
  retryAfter?: string;
  secrets: (string | undefined)[];
}): GatewayError {
  const { provider, status } = options;
  const message = scrubSecrets(options.message ?? `HTTP ${status}`, options.secrets);
  const upstream = { provider, status, body: scrubSecrets(options.rawBody.slice(0, 2_000), options.secrets) };
  if (status === 401 || status === 403) return GATEWAY_ERRORS.upstreamCredentialsRejected(provider, status);
  if (status === 429) {
    return new GatewayError({
      status: 429,
      type: 'rate_limit_error',
      code: 'upstream_rate_limited',
      message: `Provider '${provider}' is rate limiting the gateway: ${message}`,
      retryable: true,
      headers: options.retryAfter ? { 'retry-after': options.retryAfter } : undefined,
      upstream,
    });
  }
  if (status >= 400 && status < 500 && status !== 404 && status !== 408) {
    return new GatewayError({
      status: status === 413 ? 413 : 400,
      type: 'invalid_request_error',
      code: 'upstream_invalid_request',
      param: options.param ?? null,
      message: `Provider '${provider}' rejected the request: ${message}`,
      upstream,
    });
  }
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_error',
    message: `Provider '${provider}' failed (HTTP ${status}): ${message}`,
    retryable: isTransientStatus(status),
    upstream,
  });
}

const KEY_PATTERN = /\b(?:sk|xai|fw|pplx|sy)[-_][A-Za-z0-9_-]{8,}/g;

export function scrubSecrets(text: string, secrets: (string | undefined)[]): string {
  let scrubbed = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) scrubbed = scrubbed.split(secret).join('[redacted]');
  }
  return scrubbed.replace(KEY_PATTERN, '[redacted]');
}
