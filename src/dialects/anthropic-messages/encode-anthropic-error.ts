import type { ErrorType, GatewayError } from '../../core/gateway-error.ts';

/**
 * Anthropic's error types, by the gateway's.
 * @see https://docs.anthropic.com/en/api/errors
 */
const ANTHROPIC_ERROR_TYPES: Record<ErrorType, string> = {
  invalid_request_error: 'invalid_request_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  not_found_error: 'not_found_error',
  rate_limit_error: 'rate_limit_error',
  insufficient_credits: 'billing_error',
  upstream_error: 'api_error',
  api_error: 'api_error',
};

export function anthropicErrorType(error: GatewayError): string {
  if (error.status === 413) return 'request_too_large';
  if (error.status === 529 || error.code === 'upstream_overloaded') return 'overloaded_error';
  return ANTHROPIC_ERROR_TYPES[error.type];
}

/**
 * The status of an error on the Anthropic surface: Anthropic answers an invalid request with a
 * 400 `invalid_request_error` where the OpenAI-shaped routes keep the hosted service's 422.
 */
export function anthropicErrorStatus(error: GatewayError): number {
  return error.status === 422 ? 400 : error.status;
}

/**
 * The error body Anthropic SDK clients and Claude Code read, `{"type": "error", "error": {…}}`,
 * beside the hosted service's `detail`. Validation problems read as Anthropic words them
 * (`messages.1.content: Field required`), without the `body.` of the FastAPI location.
 */
export function encodeAnthropicError(error: GatewayError): Record<string, unknown> {
  const message = error.issues ? error.issues.map((issue) => `${issue.loc.filter((part) => part !== 'body').join('.')}: ${issue.msg}`).join('; ') : error.message;
  return {
    type: 'error',
    error: { type: anthropicErrorType(error), message },
    detail: error.issues ?? { code: error.status, message: `${error.type} - ${error.message}` },
  };
}

/** The `error` event of a Messages stream that fails after it began. */
export function encodeAnthropicStreamError(error: GatewayError): string {
  return JSON.stringify({ type: 'error', error: { type: anthropicErrorType(error), message: error.message } });
}
