import type { GatewayError } from '../../core/gateway-error.ts';

/**
 * The error body OpenAI-dialect clients get: OpenAI's `error` object, so the OpenAI SDKs show the
 * message, beside the hosted service's `detail` (a FastAPI-style issue list for validation errors).
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function encodeOpenAIError(error: GatewayError): Record<string, unknown> {
  return {
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
    detail: error.issues ?? { code: error.status, message: `${error.type} - ${error.message}` },
  };
}

/** The SSE chunk that reports a failure after the stream began; the OpenAI SDKs raise it as an APIError. */
export function encodeOpenAIStreamError(error: GatewayError): string {
  return JSON.stringify({ error: { message: error.message, type: error.type, param: error.param, code: error.code } });
}
