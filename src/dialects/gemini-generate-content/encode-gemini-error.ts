import type { GatewayError } from '../../core/gateway-error.ts';

/**
 * google.rpc.Code names by HTTP status, as Google's APIs pair them. A 402 (the gateway's own:
 * credits or a key's budget spent) has no Google status; RESOURCE_EXHAUSTED says what happened (a
 * quota of the caller's is used up) while the HTTP status stays 402, which clients do not retry.
 * @see https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  402: 'RESOURCE_EXHAUSTED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'UNIMPLEMENTED',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
  529: 'UNAVAILABLE',
};

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

/** The status of an error on the Gemini surface: Google answers an invalid request with a 400 INVALID_ARGUMENT where the OpenAI-shaped routes keep the hosted service's 422. */
export function geminiErrorStatus(error: GatewayError): number {
  return error.status === 422 ? 400 : error.status;
}

export function geminiStatusName(status: number): string {
  return STATUS_NAMES[status] ?? (status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL');
}

/**
 * The error body `@google/genai`, Google's legacy SDK and LangChain read: a google.rpc.Status,
 * `{"error": {"code", "message", "status", "details"}}`. `details` carry the gateway's error code
 * (`ErrorInfo.reason`, upper case as Google writes reasons, the code itself in `metadata`), the
 * wait of a 429 (`RetryInfo`) and each field a validation refused (`BadRequest.fieldViolations`).
 * @see https://cloud.google.com/apis/design/errors#error_model
 */
export function encodeGeminiError(error: GatewayError): { error: { code: number; message: string; status: string; details: Record<string, unknown>[] } } {
  const code = geminiErrorStatus(error);
  const fieldOf = (loc: (string | number)[]) => loc.filter((part) => part !== 'body').join('.');
  const message = error.issues ? error.issues.map((issue) => `${fieldOf(issue.loc) || 'body'}: ${issue.msg}`).join('; ') : error.message;
  const details: Record<string, unknown>[] = [
    { '@type': `${TYPE_PREFIX}ErrorInfo`, reason: error.code.toUpperCase(), domain: 'switchyard', metadata: { code: error.code, ...(error.param ? { param: error.param } : {}) } },
  ];
  const retryAfter = error.headers?.['retry-after'];
  if (retryAfter && /^\d+$/.test(retryAfter)) details.push({ '@type': `${TYPE_PREFIX}RetryInfo`, retryDelay: `${retryAfter}s` });
  if (error.issues) details.push({ '@type': `${TYPE_PREFIX}BadRequest`, fieldViolations: error.issues.map((issue) => ({ field: fieldOf(issue.loc), description: issue.msg })) });
  return { error: { code, message, status: geminiStatusName(code), details } };
}
