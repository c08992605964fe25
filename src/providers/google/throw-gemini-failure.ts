import { parseJson } from '../../core/parse-json.ts';
import { mapUpstreamError } from '../map-upstream-error.ts';
import type { ProviderAdapter } from '../provider-adapter.ts';
import { readRetryAfter } from '../read-retry-after.ts';
import { readUpstreamText, type UpstreamResponse } from '../upstream-client.ts';
import { readGeminiError } from './read-gemini-error.ts';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * A forwarded Gemini API call's failure (status ≥ 400) as the GatewayError every provider failure
 * becomes: Google's message (credentials scrubbed), transient statuses retryable, Retry-After kept.
 */
export async function throwGeminiFailure(adapter: ProviderAdapter, provider: string, response: UpstreamResponse, signal: AbortSignal): Promise<never> {
  const text = adapter.scrub(await readUpstreamText(provider, response, signal, MAX_ERROR_BODY_BYTES).catch(() => ''));
  const parsed = parseJson(text);
  const reading = parsed.ok ? readGeminiError(parsed.value) : {};
  throw mapUpstreamError({ provider, status: response.status, message: reading.message, rawBody: text, retryAfter: readRetryAfter(response.headers, response.status), secrets: [] });
}
