/**
 * Reads `{"error": {"message", "param", …}}`, the error body of OpenAI and of the providers that copy it.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function readOpenAIError(body: unknown): { message?: string; param?: string | null } {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return { message: error };
  if (error && typeof error === 'object') {
    const { message, param } = error as { message?: unknown; param?: unknown };
    return { message: typeof message === 'string' ? message : undefined, param: typeof param === 'string' ? param : null };
  }
  return {};
}
