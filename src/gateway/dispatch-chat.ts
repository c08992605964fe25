import type { Adjustment } from '../core/adjustment.ts';
import type { ChatCompletion, ChatRequest, ChatStreamEvent } from '../core/chat-types.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { ChatCall, ProviderAdapter } from '../providers/provider-adapter.ts';
import { retryTransient } from './retry-transient.ts';

export type DispatchedChat = (
  | { kind: 'completion'; completion: ChatCompletion; adjustments: Adjustment[] }
  | {
      kind: 'stream';
      /** The first event, read before the client's headers are committed, so a failure there is still an ordinary HTTP error. */
      first: IteratorResult<ChatStreamEvent>;
      events: AsyncIterator<ChatStreamEvent>;
      adjustments: Adjustment[];
    }
) & { deployment?: string };

/**
 * The dispatch phase of a translated request: calls the provider with the gateway's retry rule
 * (retry-transient.ts) before anything reached the client; a stream counts as accepted once its
 * first event arrived. A provider that rejects `reasoning_effort` together with tools gets the
 * request once more without it (as the hosted service does), and the client is told.
 */
export async function dispatchChat(adapter: ProviderAdapter, call: ChatCall, options: { maxRetries: number; budget?: { tryRetry(): boolean } }): Promise<DispatchedChat> {
  const send = (current: ChatCall) => retryTransient(() => attempt(adapter, current), { maxRetries: options.maxRetries, signal: call.signal, budget: options.budget });
  try {
    return await send(call);
  } catch (error) {
    if (call.signal.aborted || !(error instanceof GatewayError) || !rejectsReasoningEffortWithTools(error, call.request)) throw error;
    const { reasoning_effort: _dropped, ...request } = call.request;
    const dispatched = await send({ ...call, request: request as ChatRequest });
    dispatched.adjustments.push({ parameter: 'reasoning_effort', action: 'dropped', reason: `${call.model.id} rejects it together with tools; sent again without it` });
    return dispatched;
  }
}

async function attempt(adapter: ProviderAdapter, call: ChatCall): Promise<DispatchedChat> {
  const result = await adapter.chat(call);
  if (result.kind === 'completion') return { ...result, adjustments: [...result.adjustments] };
  const first = await result.events.next();
  return { kind: 'stream', first, events: result.events, adjustments: [...result.adjustments], deployment: result.deployment };
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
