import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { readUpstreamText, type UpstreamResponse } from '../../providers/upstream-client.ts';

/** A provider's successful JSON answer as an object; anything else is the provider's failure (502), not the client's. */
export async function readJsonAnswer(provider: string, response: UpstreamResponse, signal: AbortSignal): Promise<Record<string, unknown>> {
  const parsed = parseJson(await readUpstreamText(provider, response, signal));
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'the answer is not a JSON object');
  return parsed.value as Record<string, unknown>;
}
