import { SimulatorError } from '../simulator-error.ts';

/**
 * HTTP statuses and the google.rpc codes Google's APIs pair with them.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The messages the Gemini API answers these statuses with when nothing more specific applies. */
const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Request contains an invalid argument.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

/** `{"error": {"code", "message", "status", "details"}}`, pretty-printed as Google sends it. */
function googleError(status: number, message?: string, details?: unknown[]): SimulatorError {
  const error: Record<string, unknown> = { code: status, message: message ?? DEFAULT_MESSAGES[status] ?? 'Unknown error.', status: STATUS_NAMES[status] ?? 'UNKNOWN' };
  if (details && details.length > 0) error.details = details;
  return new SimulatorError(status, JSON.stringify({ error }, null, 2), { 'content-type': 'application/json; charset=UTF-8' });
}

const invalidApiKeyMessage = 'API key not valid. Please pass a valid API key.';

/**
 * Every refusal of the Gemini simulator, worded as the real API words it (messages gathered from
 * the API's answers quoted in public bug reports; see the simulator's README).
 */
export const GEMINI_SIMULATOR_ERRORS = {
  /** Any status with the API's default message for it. */
  status: (status: number, message?: string) => googleError(status, message),
  /** A fault without a body: 429 with its quota details and RetryInfo, a bad key for 401/403, else the status's default. */
  fault: (status: number) => {
    if (status === 429) {
      return googleError(429, undefined, [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaValue: '10' }],
        },
        { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' },
      ]);
    }
    return status === 401 || status === 403 ? GEMINI_SIMULATOR_ERRORS.invalidApiKey() : googleError(status);
  },
  /** A key the API does not know: 400 INVALID_ARGUMENT (not 401) with reason API_KEY_INVALID. */
  invalidApiKey: () =>
    googleError(400, invalidApiKeyMessage, [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
      { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: invalidApiKeyMessage },
    ]),
  /** No key at all. */
  missingApiKey: () =>
    googleError(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."),
  unknownModel: (model: string, method: string) =>
    googleError(404, `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`),
  unknownMethod: (method: string) => googleError(404, `Method not found: ${method || '(none)'}.`),
  /** Proto JSON parsing failures: "Invalid JSON payload received. …", one field violation each. */
  invalidPayload: (violations: { field?: string; description: string }[]) =>
    googleError(400, violations.map((violation) => violation.description).join('\n'), [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations }]),
  /** Request validation failures: one "* GenerateContentRequest.<path>: <problem>" line each. */
  requestValidation: (problems: string[]) => googleError(400, problems.map((problem) => `* GenerateContentRequest.${problem}\n`).join('')),
  /** A feature the model lacks: "Developer instruction", "Function calling", "JSON mode", "Penalty", "Thinking". */
  notEnabled: (feature: string, model: string) => googleError(400, `${feature} is not enabled for models/${model}`),
  thinkingBudgetAndLevel: () => googleError(400, 'You can only set one of thinking budget and thinking level.'),
  thinkingLevelUnsupported: (level?: string) => googleError(400, `Thinking level ${level ? `${level} ` : ''}is not supported for this model.`),
  thinkingBudgetZero: () => googleError(400, 'Budget 0 is invalid. This model only works in thinking mode.'),
  invalidRole: () => googleError(400, 'Please use a valid role: user, model.'),
  responseWithoutCall: () => googleError(400, 'Please ensure that function response turn comes immediately after a function call turn.'),
  responseCountMismatch: () => googleError(400, 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.'),
  callOutOfTurn: () => googleError(400, 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.'),
  /** @see https://ai.google.dev/gemini-api/docs/thought-signatures */
  missingThoughtSignature: (functionName: string, position: number) =>
    googleError(
      400,
      `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${functionName}\` , position ${position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
    ),
  corruptedThoughtSignature: () => googleError(400, 'Corrupted thought signature.'),
} as const;
