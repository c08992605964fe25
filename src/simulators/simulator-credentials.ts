import type { IncomingHttpHeaders } from 'node:http';

/**
 * How a provider wants its key. Any non-empty key is accepted: a simulator checks the header's
 * shape, not the secret.
 * - `bearer`: `Authorization: Bearer <key>` (OpenAI, xAI, Fireworks, Perplexity).
 * - `api-key-or-bearer`: Azure OpenAI's `api-key: <key>` header, or a Microsoft Entra ID token as
 *   `Authorization: Bearer <token>`.
 *   @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference#authentication
 * - `none`: `vllm serve` started without `--api-key`, which serves anyone.
 *   @see https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 */
export type SimulatorCredentials = 'bearer' | 'api-key-or-bearer' | 'none';

export function hasSimulatorCredentials(credentials: SimulatorCredentials, headers: IncomingHttpHeaders): boolean {
  switch (credentials) {
    case 'none':
      return true;
    case 'bearer':
      return hasBearerToken(headers.authorization);
    case 'api-key-or-bearer': {
      const apiKey = headers['api-key'];
      return (typeof apiKey === 'string' && apiKey.trim() !== '') || hasBearerToken(headers.authorization);
    }
  }
}

function hasBearerToken(authorization: string | undefined): boolean {
  return typeof authorization === 'string' && /^Bearer\s+\S+/i.test(authorization.trim());
}
