import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from '../core/chat-types.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { Adjustment, ChatCall, ChatStreamEvent, ProviderAdapter } from '../providers/provider-adapter.ts';

export type DispatchedChat =
  | { kind: 'completion'; completion: import('../core/chat-types.ts').ChatCompletion; adjustments: Adjustment[]; attempts: number }
  | {
      kind: 'stream';
      /** The first event, read before the client's headers are committed, so a failure there is still an ordinary HTTP error. */
      first: IteratorResult<ChatStreamEvent>;
      events: AsyncIterator<ChatStreamEvent>;
      adjustments: Adjustment[];
      attempts: number;
    };

const LONGEST_RETRY_WAIT_MS = 2_000;

/**
 * Calls the provider, with the gateway's retry rules, before anything reached the client:
 * - a provider that rejects `reasoning_effort` together with tools gets the request once more
 *   without it (as the hosted service does), and the client is told;
 * - transient failures (connection, timeout, 429/5xx) are retried up to `maxRetries` times with
 *   exponential backoff, honouring a short Retry-After.
 */
export async function dispatchChat(adapter: ProviderAdapter, call: ChatCall, options: { maxRetries: number }): Promise<DispatchedChat> {
  let current = call;
  const extraAdjustments: Adjustment[] = [];
  let retriedWithoutReasoning = false;
  let transientRetries = 0;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const result = await adapter.chat(current);
      const adjustments = [...result.adjustments, ...extraAdjustments];
      if (result.kind === 'completion') return { ...result, adjustments, attempts };
      const first = await result.events.next();
      return { kind: 'stream', first, events: result.events, adjustments, attempts };
    } catch (error) {
      if (call.signal.aborted || !(error instanceof GatewayError)) throw error;
      if (!retriedWithoutReasoning && rejectsReasoningEffortWithTools(error, current.request)) {
        retriedWithoutReasoning = true;
        const { reasoning_effort: _dropped, ...request } = current.request;
        current = { ...current, request: request as ChatRequest };
        extraAdjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: `${call.model.id} rejects it together with tools; sent again without it` });
        continue;
      }
      const wait = error.retryable && transientRetries < options.maxRetries ? retryWaitMs(transientRetries, error.headers?.['retry-after']) : undefined;
      if (wait === undefined) throw error;
      transientRetries += 1;
      await sleep(wait, undefined, { signal: call.signal });
    }
  }
}

function rejectsReasoningEffortWithTools(error: GatewayError, request: ChatRequest): boolean {
  return (
    error.status === 400 &&
    request.reasoning_effort != null &&
    Array.isArray(request.tools) &&
    request.tools.length > 0 &&
    (error.param === 'reasoning_effort' || /reasoning[_ ]effort/i.test(error.message))
  );
}

/** Exponential backoff with jitter; a Retry-After longer than the gateway is willing to wait means no retry. */
export function retryWaitMs(retry: number, retryAfter: string | undefined): number | undefined {
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (!Number.isFinite(seconds) || seconds * 1_000 > LONGEST_RETRY_WAIT_MS) return undefined;
    return Math.max(0, seconds * 1_000);
  }
  const base = 100 * 2 ** retry;
  return base / 2 + Math.random() * (base / 2);
}
