import type { EventSourceMessage } from 'eventsource-parser';
import { parseJson } from '../../core/parse-json.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { NativeStreamTap } from '../../gateway/surface.ts';
import type { GeminiGenerateContentResponse } from '../../providers/google/gemini-api.ts';
import { readGeminiError } from '../../providers/google/read-gemini-error.ts';
import { mapUpstreamError } from '../../providers/map-upstream-error.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { addGeminiUsageCost } from './add-gemini-usage-cost.ts';
import { geminiOutputText } from './gemini-output-text.ts';
import { readGeminiUsage } from './read-gemini-usage.ts';

/**
 * Follows a passed-through `streamGenerateContent?alt=sse` stream. Every event is a whole
 * GenerateContentResponse whose usageMetadata is the running total, so the last one seen is the
 * usage; the event that ends the answer (a candidate's finishReason, or a blocked prompt) gets the
 * gateway's `cost` for the usage so far, and only it is rewritten — every other event goes out as
 * Google's bytes. Google's streams have no terminator: the answer is whole when an ending event was
 * relayed and the stream closed cleanly. An `{"error": …}` event is recorded as that failure.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function createGeminiStreamTap(): NativeStreamTap {
  let usage: unknown;
  let ended = false;
  const relayed: string[] = [];
  const tap = {
    firstOutputAt: undefined as number | undefined,
    failure: undefined as { status: number; code: string } | undefined,
    observe(event: EventSourceMessage): undefined {
      const parsed = parseJson<GeminiGenerateContentResponse & { error?: unknown }>(event.data);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
      const response = parsed.value;
      if (response.error !== undefined) {
        const reading = readGeminiError(response);
        const status = typeof (response.error as { code?: unknown }).code === 'number' ? (response.error as { code: number }).code : 500;
        const error = mapUpstreamError({ provider: 'google', status, message: reading.message, rawBody: event.data, secrets: [] });
        tap.failure = { status: error.status, code: error.code };
        return undefined;
      }
      if (response.usageMetadata !== undefined) usage = response.usageMetadata;
      if (endsAnswer(response)) ended = true;
      const output = geminiOutputText(response);
      if (output !== '') {
        tap.firstOutputAt ??= performance.now();
        relayed.push(output);
      }
      return undefined;
    },
    rewrite(event: EventSourceMessage, price: (usage: TokenUsage | undefined) => number): string | undefined {
      const parsed = parseJson<GeminiGenerateContentResponse>(event.data);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || !endsAnswer(parsed.value)) return undefined;
      const data = addGeminiUsageCost(event.data, price(readGeminiUsage(usage)));
      return data === undefined ? undefined : formatSseEvent(data);
    },
    usage: () => readGeminiUsage(usage),
    complete: (outcome: string) => outcome === 'completed' && ended && tap.failure === undefined,
    relayedOutput: () => relayed.join(''),
  };
  return tap;
}

/** The event that ends an answer: a candidate finished, or the prompt was blocked (no candidates then). */
function endsAnswer(response: GeminiGenerateContentResponse): boolean {
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  return candidates.some((candidate) => typeof candidate?.finishReason === 'string') || typeof response.promptFeedback?.blockReason === 'string';
}
