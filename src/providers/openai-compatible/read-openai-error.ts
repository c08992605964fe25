/**
 * Reads `{"error": {"message", "param", …}}`, the error body of OpenAI and of the providers that copy
 * it, and the flat `{"object": "error", "message", "param", …}` that vLLM's OpenAI-compatible server
 * sent before it adopted OpenAI's nesting.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function readOpenAIError(body: unknown): { message?: string; param?: string | null } {
  const flat = body as { object?: unknown; message?: unknown; param?: unknown } | null;
  if (flat?.object === 'error' && typeof flat.message === 'string') return { message: flat.message, param: typeof flat.param === 'string' ? flat.param : null };
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return { message: error };
  if (error && typeof error === 'object') {
    const { message, param } = error as { message?: unknown; param?: unknown };
    return { message: typeof message === 'string' ? message : undefined, param: typeof param === 'string' ? param : null };
  }
  return {};
}
