import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../core/gateway-error.ts';
import type { ForwardRequest, ProviderAdapter } from '../providers/provider-adapter.ts';
import type { UpstreamResponse } from '../providers/upstream-client.ts';
import { retryWaitMs } from './dispatch-chat.ts';

/** Statuses a provider answers when the same request may succeed a moment later (529: Anthropic overloaded). */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504, 529]);

/**
 * Pass-through with the gateway's retry rule: transient failures (connection, timeout, the statuses
 * above) are sent again up to `maxRetries` times, with backoff, before anything reached the client.
 * The last answer is returned as it is, error or not, body unread.
 */
export async function forwardWithRetries(adapter: ProviderAdapter, request: ForwardRequest, options: { maxRetries: number }): Promise<UpstreamResponse> {
  if (!adapter.forward) throw new Error(`provider ${adapter.descriptor.id} has no pass-through`);
  for (let retry = 0; ; retry += 1) {
    let wait: number | undefined;
    try {
      const response = await adapter.forward(request);
      if (!TRANSIENT_STATUSES.has(response.status) || retry >= options.maxRetries) return response;
      const retryAfter = response.headers['retry-after'];
      wait = retryWaitMs(retry, typeof retryAfter === 'string' ? retryAfter : undefined);
      if (wait === undefined) return response;
      await response.body.dump();
    } catch (error) {
      if (request.signal.aborted || !(error instanceof GatewayError) || !error.retryable || retry >= options.maxRetries) throw error;
      wait = retryWaitMs(retry, undefined)!;
    }
    await sleep(wait, undefined, { signal: request.signal });
  }
}
