import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../core/gateway-error.ts';

const LONGEST_RETRY_WAIT_MS = 2_000;

/**
 * The gateway's one retry rule, for translated calls and pass-through alike: a transient failure
 * (providers/is-transient-status.ts; a thrown GatewayError marked `retryable`, or an answer that
 * `transientAnswer` calls transient) is tried again up to `maxRetries` times, with exponential
 * backoff, honouring a short Retry-After, before anything reached the client. The last answer is
 * returned as it is; the last error is thrown.
 */
export async function retryTransient<T>(
  attempt: () => Promise<T>,
  options: {
    maxRetries: number;
    signal: AbortSignal;
    /** For attempts that answer a failure instead of throwing it: its Retry-After, and how to discard it; undefined when the answer is final. */
    transientAnswer?: (answer: T) => { retryAfter: string | undefined; discard(): Promise<void> } | undefined;
    /** The provider's retry budget: a retry it refuses is not made (the failure stands). Refused connections are free. */
    budget?: { tryRetry(): boolean };
  },
): Promise<T> {
  for (let retry = 0; ; retry += 1) {
    let wait: number | undefined;
    try {
      const answer = await attempt();
      const transient = options.transientAnswer?.(answer);
      if (!transient || retry >= options.maxRetries) return answer;
      wait = retryWaitMs(retry, transient.retryAfter);
      if (wait === undefined || (options.budget && !options.budget.tryRetry())) return answer;
      await transient.discard();
    } catch (error) {
      if (options.signal.aborted || !(error instanceof GatewayError) || !error.retryable || retry >= options.maxRetries) throw error;
      wait = retryWaitMs(retry, error.headers?.['retry-after']);
      if (wait === undefined || (options.budget && !refusedConnection(error) && !options.budget.tryRetry())) throw error;
    }
    await sleep(wait, undefined, { signal: options.signal });
  }
}

/** Exponential backoff with jitter; a Retry-After longer than the gateway is willing to wait means no retry. */
function retryWaitMs(retry: number, retryAfter: string | undefined): number | undefined {
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (!Number.isFinite(seconds) || seconds * 1_000 > LONGEST_RETRY_WAIT_MS) return undefined;
    return Math.max(0, seconds * 1_000);
  }
  const base = 100 * 2 ** retry;
  return base / 2 + Math.random() * (base / 2);
}

/** A connection the provider refused outright: retrying elsewhere costs it nothing, so no budget is spent. */
export function refusedConnection(error: GatewayError): boolean {
  return error.code === 'upstream_unavailable' && /ECONNREFUSED/.test(error.message);
}
