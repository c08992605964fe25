import type { Readable } from 'node:stream';
import type { EventSourceMessage } from 'eventsource-parser';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { UpstreamResponse } from '../providers/upstream-client.ts';
import { watchSseEvents } from '../streaming/watch-sse-events.ts';

/** A provider's event stream on its way to the client, and the usage its events report. */
export interface WatchedStream {
  /** The provider's bytes, relayed as they come. */
  events: Readable;
  contentType: string;
  /**
   * The usage the events reported, summed (an images stream reports each image's), once the
   * stream has closed; undefined when none did (cut off, or a provider that reports none).
   */
  finalUsage: Promise<TokenUsage | undefined>;
}

/**
 * The pass-through of an operation's event stream (speech as events, streamed transcriptions,
 * partial images): an answer that is not an event stream is the provider's failure (502, not
 * relayed); otherwise its events go to the client as the provider wrote them while `readUsage`
 * picks the usage out of the ones that carry it, for the request to be settled with once the
 * stream ends (`OperationResult.finalUsage`).
 */
export async function watchStreamUsage(provider: string, response: UpstreamResponse, readUsage: (event: EventSourceMessage) => TokenUsage | undefined): Promise<WatchedStream> {
  const contentType = String(response.headers['content-type'] ?? '');
  if (!/^text\/event-stream/i.test(contentType)) {
    await response.body.dump();
    throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'the answer to a streamed request is not an event stream');
  }
  let reported: TokenUsage | undefined;
  const events = watchSseEvents(response.body, (event) => {
    const usage = readUsage(event);
    if (usage) reported = reported ? addUsage(reported, usage) : usage;
  });
  const finalUsage = new Promise<TokenUsage | undefined>((resolve) => events.on('close', () => resolve(reported)));
  return { events, contentType, finalUsage };
}

function addUsage(sum: TokenUsage, usage: TokenUsage): TokenUsage {
  const imagePromptTokens = (sum.imagePromptTokens ?? 0) + (usage.imagePromptTokens ?? 0);
  return { promptTokens: sum.promptTokens + usage.promptTokens, completionTokens: sum.completionTokens + usage.completionTokens, ...(imagePromptTokens > 0 && { imagePromptTokens }) };
}
