import type { ForwardRequest, ProviderAdapter } from '../providers/provider-adapter.ts';
import { isTransientStatus } from '../providers/is-transient-status.ts';
import type { UpstreamResponse } from '../providers/upstream-client.ts';
import { retryTransient } from './retry-transient.ts';
import { readRetryAfter } from '../providers/read-retry-after.ts';

/**
 * The dispatch phase of a pass-through: the request on the provider's own API, with the gateway's
 * retry rule (a transient status is sent again; the last answer is returned as it is, error or
 * not, body unread).
 */
export function forwardWithRetries(adapter: ProviderAdapter, request: ForwardRequest, options: { maxRetries: number; budget?: { tryRetry(): boolean } }): Promise<UpstreamResponse> {
  const forward = adapter.forward?.bind(adapter);
  if (!forward) throw new Error(`provider ${adapter.descriptor.id} has no pass-through`);
  return retryTransient(() => forward(request), {
    maxRetries: options.maxRetries,
    signal: request.signal,
    budget: options.budget,
    transientAnswer: (response) => {
      if (!isTransientStatus(response.status)) return undefined;
      return { retryAfter: readRetryAfter(response.headers, response.status), discard: () => response.body.dump() };
    },
  });
}
