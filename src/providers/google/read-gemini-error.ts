/**
 * Reads Google's error body, `{"error": {"code", "message", "status", "details"}}` (a google.rpc.Status;
 * some endpoints wrap it in a one-element array). `details` carry what the gateway acts on:
 * `ErrorInfo.reason` ("API_KEY_INVALID" comes with a 400, not a 401) and `RetryInfo.retryDelay`
 * ("37s": Gemini's 429s carry the wait in the body, not in a Retry-After header).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_details
 */
export interface GeminiErrorReading {
  message?: string;
  /** The canonical status name: INVALID_ARGUMENT, PERMISSION_DENIED, RESOURCE_EXHAUSTED, … */
  status?: string;
  /** `ErrorInfo.reason`, e.g. API_KEY_INVALID. */
  reason?: string;
  /** `RetryInfo.retryDelay` in whole seconds, as a Retry-After value. */
  retryAfterSeconds?: string;
}

export function readGeminiError(body: unknown): GeminiErrorReading {
  const envelope = Array.isArray(body) ? body[0] : body;
  const error = (envelope as { error?: unknown } | null)?.error;
  if (!error || typeof error !== 'object') return {};
  const { message, status, details } = error as { message?: unknown; status?: unknown; details?: unknown };
  const reading: GeminiErrorReading = {
    message: typeof message === 'string' ? message.trim() : undefined,
    status: typeof status === 'string' ? status : undefined,
  };
  for (const detail of Array.isArray(details) ? details : []) {
    if (!detail || typeof detail !== 'object') continue;
    const type = String((detail as { '@type'?: unknown })['@type'] ?? '');
    if (type.endsWith('google.rpc.ErrorInfo') && typeof (detail as { reason?: unknown }).reason === 'string') {
      reading.reason = (detail as { reason: string }).reason;
    }
    if (type.endsWith('google.rpc.RetryInfo')) {
      const delay = /^(\d+(?:\.\d+)?)s$/.exec(String((detail as { retryDelay?: unknown }).retryDelay ?? ''));
      if (delay) reading.retryAfterSeconds = String(Math.ceil(Number(delay[1])));
    }
  }
  return reading;
}
