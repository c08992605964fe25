import { parseJson } from '../../core/parse-json.ts';
import { mapUpstreamError } from '../../providers/map-upstream-error.ts';
import { readOpenAIError } from '../../providers/openai-compatible/read-openai-error.ts';
import type { ProviderAdapter } from '../../providers/provider-adapter.ts';
import { readRetryAfter } from '../../providers/read-retry-after.ts';
import { readUpstreamText, type UpstreamResponse } from '../../providers/upstream-client.ts';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * A forwarded OpenAI call's failure (status ≥ 400) as the GatewayError every provider failure
 * becomes: the provider's message and `param` (credentials scrubbed), transient statuses retryable,
 * Retry-After kept. The audio operations' answers are bytes or text, never read as JSON otherwise.
 */
export async function throwOpenAIFailure(adapter: ProviderAdapter, provider: string, response: UpstreamResponse, signal: AbortSignal): Promise<never> {
  const text = adapter.scrub(await readUpstreamText(provider, response, signal, MAX_ERROR_BODY_BYTES).catch(() => ''));
  const parsed = parseJson(text);
  const { message, param } = parsed.ok ? readOpenAIError(parsed.value) : { message: undefined, param: null };
  throw mapUpstreamError({ provider, status: response.status, message, param, rawBody: text, retryAfter: readRetryAfter(response.headers, response.status), secrets: [] });
}
