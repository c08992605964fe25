import type { FastifyReply } from 'fastify';
import type { ChatCompletion } from '../core/chat-types.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { DispatchedChat } from '../gateway/dispatch-chat.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';
import type { ChatStreamEncoder } from '../streaming/chat-stream-encoder.ts';
import { relayChatStream } from '../streaming/relay-chat-stream.ts';
import { setAdjustmentsHeader, writeStreamHead } from './reply-helpers.ts';
import type { TrackedRequest } from './track-request.ts';

/**
 * Answers a dispatched hub chat in the client's surface — a completion encoded whole, or a stream
 * relayed through the surface's encoder — reports the adjustments, and records the outcome.
 */
export async function answerDispatchedChat(
  reply: FastifyReply,
  tracked: TrackedRequest,
  dispatched: DispatchedChat,
  adapter: ProviderAdapter,
  surface: { encodeCompletion(completion: ChatCompletion, usage: TokenUsage | undefined): unknown; createStreamEncoder(): ChatStreamEncoder; adjustments?: import('../providers/provider-adapter.ts').Adjustment[] },
): Promise<FastifyReply> {
  setAdjustmentsHeader(reply, [...(surface.adjustments ?? []), ...dispatched.adjustments]);
  if (dispatched.kind === 'completion') {
    const usage = adapter.readUsage(dispatched.completion.usage);
    tracked.finish(200, { usage, timeToFirstTokenMs: performance.now() - tracked.startedAt });
    return reply.send(surface.encodeCompletion(dispatched.completion, usage));
  }
  writeStreamHead(reply);
  const outcome = await relayChatStream({
    response: reply.raw,
    first: dispatched.first,
    events: dispatched.events,
    encoder: surface.createStreamEncoder(),
    startedAt: tracked.startedAt,
    readUsage: (usage) => adapter.readUsage(usage),
  });
  const status = outcome.status === 'completed' ? 200 : outcome.status === 'client_aborted' ? 499 : outcome.error!.status;
  tracked.finish(status, { usage: outcome.usage, errorCode: outcome.error?.code, timeToFirstTokenMs: outcome.timeToFirstTokenMs });
  return reply;
}
