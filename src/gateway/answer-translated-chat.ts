import type { Adjustment } from '../core/adjustment.ts';
import type { ChatRequest } from '../core/chat-types.ts';
import type { TrackedRequest } from '../metering/track-request.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';
import { relayChatStream } from '../streaming/relay-chat-stream.ts';
import { completionOutputText } from '../usage/completion-output-text.ts';
import type { TokenUsage } from '../core/usage.ts';
import { estimateAbortedUsage } from '../usage/estimate-aborted-usage.ts';
import { estimatePromptTokens } from '../usage/estimate-prompt-tokens.ts';
import type { ClientConnection, WholeAnswer } from './client-connection.ts';
import type { DispatchedChat } from './dispatch-chat.ts';
import type { TranslatedEncoders } from './surface.ts';

/** Every parameter the gateway changed is reported, never applied silently. */
export const ADJUSTMENTS_HEADER = 'x-switchyard-adjustments';

/**
 * The encode and settle phases of a translated request: the dispatched hub answer in the client's
 * surface — a completion encoded whole, or a stream relayed through the surface's encoder — with
 * its adjustments reported, then settled: the cost goes in the usage's `cost` (the final usage
 * event of a stream). A stream that ends early is billed for what it relayed (estimate-aborted-usage.ts).
 */
export async function answerTranslatedChat(
  connection: ClientConnection,
  tracked: TrackedRequest,
  dispatched: DispatchedChat,
  adapter: ProviderAdapter,
  translation: {
    /** The hub request that was dispatched: its prompt is estimated when a stream ends without usage. */
    request: ChatRequest;
    encoders: TranslatedEncoders;
    adjustments: Adjustment[];
    /** Prompt tokens of calls a `stream_resume` continued, billed when the continuation does not finish (its output is in the relayed text). */
    brokenPromptTokens?: () => number;
  },
): Promise<WholeAnswer | undefined> {
  const adjustments = [...translation.adjustments, ...dispatched.adjustments];
  if (adjustments.length > 0) connection.setHeader(ADJUSTMENTS_HEADER, adjustments.map((adjustment) => `${adjustment.parameter} ${adjustment.action}: ${adjustment.reason}`).join('; '));
  if (dispatched.kind === 'completion') {
    const reported = adapter.readUsage(dispatched.completion.usage);
    // A provider that reports no usage is billed for what it answered, counted with the tokenizer, and the record flagged.
    const usage = reported ?? estimateAbortedUsage(undefined, completionOutputText(dispatched.completion), () => estimatePromptTokens(translation.request));
    const cost = tracked.finish(200, { usage, usageEstimated: reported === undefined, timeToFirstTokenMs: performance.now() - tracked.startedAt });
    return { status: 200, body: translation.encoders.completion(dispatched.completion, usage, cost) };
  }
  const outcome = await relayChatStream({
    response: connection.openStream(),
    first: dispatched.first,
    events: dispatched.events,
    encoder: translation.encoders.stream(),
    startedAt: tracked.startedAt,
    readUsage: (usage) => adapter.readUsage(usage),
    price: (usage) => tracked.price(usage),
  });
  const status = outcome.status === 'completed' ? 200 : outcome.status === 'client_aborted' ? 499 : outcome.error!.status;
  const broken = translation.brokenPromptTokens?.() ?? 0;
  const aborted = () => estimateAbortedUsage(outcome.usage, outcome.relayedOutput, () => estimatePromptTokens(translation.request));
  const usage = outcome.status === 'completed' && outcome.usage ? outcome.usage : broken > 0 ? withExtraPrompt(aborted(), broken) : aborted();
  tracked.finish(status, { usage, usageEstimated: outcome.usage === undefined, errorCode: outcome.error?.code, timeToFirstTokenMs: outcome.timeToFirstTokenMs });
  return undefined;
}

function withExtraPrompt(usage: TokenUsage, promptTokens: number): TokenUsage {
  return { ...usage, promptTokens: usage.promptTokens + promptTokens };
}
