import type { FastifyReply } from 'fastify';
import type { ChatCompletion, ChatRequest } from '../core/chat-types.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { DispatchedChat } from '../gateway/dispatch-chat.ts';
import type { Adjustment, ProviderAdapter } from '../providers/provider-adapter.ts';
import type { ChatStreamEncoder } from '../streaming/chat-stream-encoder.ts';
import { relayChatStream } from '../streaming/relay-chat-stream.ts';
import { estimateAbortedUsage } from '../usage/estimate-aborted-usage.ts';
import { estimatePromptTokens } from '../usage/estimate-prompt-tokens.ts';
import { setAdjustmentsHeader, writeStreamHead } from './reply-helpers.ts';
import type { TrackedRequest } from './track-request.ts';

/**
 * Answers a dispatched hub chat in the client's surface — a completion encoded whole, or a stream
 * relayed through the surface's encoder — reports the adjustments, and settles the request: the
 * cost goes in `x-switchyard-credits-used` and the usage's `cost` (the final usage event of a
 * stream). A stream that ends early is billed for what it relayed (estimate-aborted-usage.ts).
 */
export async function answerDispatchedChat(
  reply: FastifyReply,
  tracked: TrackedRequest,
  dispatched: DispatchedChat,
  adapter: ProviderAdapter,
  surface: {
    /** The hub request that was dispatched: its prompt is estimated when a stream ends without usage. */
    request: ChatRequest;
    /** `cost` in micro-credits. */
    encodeCompletion(completion: ChatCompletion, usage: TokenUsage | undefined, cost: number): unknown;
    createStreamEncoder(): ChatStreamEncoder;
    adjustments?: Adjustment[];
  },
): Promise<FastifyReply> {
  setAdjustmentsHeader(reply, [...(surface.adjustments ?? []), ...dispatched.adjustments]);
  if (dispatched.kind === 'completion') {
    const usage = adapter.readUsage(dispatched.completion.usage);
    const cost = tracked.finish(200, { usage, timeToFirstTokenMs: performance.now() - tracked.startedAt });
    return reply.send(surface.encodeCompletion(dispatched.completion, usage, cost));
  }
  writeStreamHead(reply);
  const outcome = await relayChatStream({
    response: reply.raw,
    first: dispatched.first,
    events: dispatched.events,
    encoder: surface.createStreamEncoder(),
    startedAt: tracked.startedAt,
    readUsage: (usage) => adapter.readUsage(usage),
    price: (usage) => tracked.price(usage),
  });
  const status = outcome.status === 'completed' ? 200 : outcome.status === 'client_aborted' ? 499 : outcome.error!.status;
  const usage = outcome.status === 'completed' ? outcome.usage : estimateAbortedUsage(outcome.usage, outcome.relayedOutput, () => estimatePromptTokens(surface.request));
  tracked.finish(status, { usage, errorCode: outcome.error?.code, timeToFirstTokenMs: outcome.timeToFirstTokenMs });
  return reply;
}
