import type { AnthropicErrorType } from './anthropic-api.ts';

export interface AnthropicErrorReading {
  type?: AnthropicErrorType;
  message?: string;
  /** The field a validation message starts with (`max_tokens: Field required` → `max_tokens`). */
  param: string | null;
  requestId?: string;
}

/** Anthropic's validation messages name the field first: `messages.1.content.0: …`, `temperature: range: 0..1`. */
const FIELD_PREFIX = /^([A-Za-z_][\w]*(?:\.[\w]+)*): /;

/**
 * Reads `{"type":"error","error":{"type","message"},"request_id"}`, the body of every Anthropic
 * error and the data of a stream's `error` event.
 * @see https://docs.anthropic.com/en/api/errors#error-shapes
 */
export function readAnthropicError(body: unknown): AnthropicErrorReading {
  if (!isRecord(body)) return { param: null };
  const error = body.error;
  const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
  if (typeof error === 'string') return { message: error, param: null, requestId };
  if (!isRecord(error)) return { param: null, requestId };
  const message = typeof error.message === 'string' ? error.message : undefined;
  return {
    type: typeof error.type === 'string' ? (error.type as AnthropicErrorType) : undefined,
    message,
    param: message ? (FIELD_PREFIX.exec(message)?.[1] ?? null) : null,
    requestId,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
