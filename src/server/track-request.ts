import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../core/gateway-error.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { Surface } from '../store/store.ts';
import type { Switchyard } from '../switchyard.ts';
import { buildUsageRecord } from '../usage/build-usage-record.ts';

export interface TrackedRequest {
  /** Aborted when the client goes away before its answer is complete: cancels the provider call. */
  signal: AbortSignal;
  startedAt: number;
  provider: string;
  /** Records the request's usage (once) and logs one line for it. */
  finish(status: number, fields?: { usage?: TokenUsage; errorCode?: string; timeToFirstTokenMs?: number }): void;
  /** Stops watching the client's connection. */
  dispose(): void;
}

/**
 * What every model-calling route does around its work: watch the client's connection (a client that
 * leaves cancels the provider call), time the request, and record its usage and one log line.
 */
export function trackRequest(switchyard: Switchyard, request: FastifyRequest, reply: FastifyReply, fields: { surface: Surface; model: string; streamed: boolean }): TrackedRequest {
  const principal = request.principal!;
  const cancel = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) cancel.abort();
  };
  reply.raw.on('close', onClose);
  let finished = false;
  const tracked: TrackedRequest = {
    signal: cancel.signal,
    startedAt: performance.now(),
    provider: '',
    finish(status, outcome = {}) {
      if (finished) return;
      finished = true;
      const record = buildUsageRecord({ requestId: request.id, principal, ...fields, provider: tracked.provider, status, startedAt: tracked.startedAt, ...outcome });
      switchyard.usage.record(record);
      request.log.info(
        { organization: principal.organizationName, surface: fields.surface, model: fields.model, provider: tracked.provider, status, streamed: fields.streamed, latencyMs: record.latencyMs },
        'model request',
      );
    },
    dispose: () => reply.raw.off('close', onClose),
  };
  return tracked;
}

/**
 * Runs a model-calling route's work with tracking: a failure is recorded with its status (499 when
 * the client left first) and rethrown for the error handler; the connection watch always ends.
 */
export async function withTracking(
  switchyard: Switchyard,
  request: FastifyRequest,
  reply: FastifyReply,
  fields: { surface: Surface; model: string; streamed: boolean },
  work: (tracked: TrackedRequest) => Promise<unknown>,
): Promise<unknown> {
  const tracked = trackRequest(switchyard, request, reply, fields);
  try {
    return await work(tracked);
  } catch (error) {
    if (tracked.signal.aborted) {
      tracked.finish(499, { errorCode: 'client_closed_request' });
      return reply.hijack();
    }
    tracked.finish(error instanceof GatewayError ? error.status : 500, { errorCode: error instanceof GatewayError ? error.code : 'internal_error' });
    throw error;
  } finally {
    tracked.dispose();
  }
}
