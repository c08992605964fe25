import type { FastifyRequest } from 'fastify';

/**
 * The key a Gemini API request carries: the `x-goog-api-key` header, or the `key` query parameter.
 * @see https://ai.google.dev/gemini-api/docs/api-key
 */
export function geminiApiKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-goog-api-key'];
  return (typeof header === 'string' ? header : undefined) ?? (request.query as Record<string, string | undefined>).key;
}
