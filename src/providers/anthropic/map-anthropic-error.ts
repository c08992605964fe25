import { GATEWAY_ERRORS, type GatewayError } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { mapUpstreamError, scrubSecrets } from '../map-upstream-error.ts';
import type { AnthropicErrorType } from './anthropic-api.ts';
import { readAnthropicError } from './read-anthropic-error.ts';

/**
 * The HTTP status each error type stands for, used when the error arrives as a stream event.
 * @see https://docs.anthropic.com/en/api/errors#http-errors
 */
const STATUS_OF_ERROR_TYPE: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Turns an Anthropic error — a non-2xx answer, or the `error` event of a stream that failed after
 * it began — into the gateway's error. 529 `overloaded_error` is Anthropic's own status for "short
 * of capacity for everyone": retryable, and answered as 503 rather than a generic 502.
 * @see https://docs.anthropic.com/en/api/errors
 */
export function mapAnthropicError(options: {
  provider: string;
  /** The HTTP status; absent for a stream's `error` event, where the error type decides it. */
  status?: number;
  rawBody: string;
  retryAfter?: string;
  secrets: (string | undefined)[];
}): GatewayError {
  const parsed = parseJson(options.rawBody);
  const reading = parsed.ok ? readAnthropicError(parsed.value) : { param: null, type: undefined, message: undefined };
  const status = options.status ?? (reading.type ? STATUS_OF_ERROR_TYPE[reading.type] : undefined) ?? 500;
  if (status === 529 || reading.type === 'overloaded_error') {
    return GATEWAY_ERRORS.upstreamOverloaded(options.provider, {
      status,
      body: scrubSecrets(options.rawBody.slice(0, 2_000), options.secrets),
      retryAfter: options.retryAfter,
    });
  }
  const text = options.rawBody;
  return mapUpstreamError({
    provider: options.provider,
    status,
    message: reading.message ?? (text && !text.trimStart().startsWith('<') ? text.slice(0, 500) : undefined),
    param: reading.param,
    rawBody: text,
    retryAfter: options.retryAfter,
    secrets: options.secrets,
  });
}
