import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogModel } from '../catalog/catalog-model.ts';
import { formatMicros } from '../core/format-micros.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { Admission } from '../metering/admission-service.ts';
import { computeCost } from '../metering/compute-cost.ts';
import type { LedgerEntry, Surface } from '../store/store.ts';
import type { Switchyard } from '../switchyard.ts';
import { buildUsageRecord } from '../usage/build-usage-record.ts';

/** The response header that reports what a request cost, in credits (a decimal string). */
export const CREDITS_USED_HEADER = 'x-switchyard-credits-used';

export interface TrackedRequest {
  /** Aborted when the client goes away before its answer is complete: cancels the provider call. */
  signal: AbortSignal;
  startedAt: number;
  provider: string;
  /** The model the request is priced at: set by `admit`, or directly by a request that is not admitted (a poll). */
  model: CatalogModel | undefined;
  /**
   * The admit phase, between resolving the model and calling the provider: model allow-list (403),
   * rate and concurrency limits (429), credit reservation (402). Sets the rate-limit headers.
   */
  admit(model: CatalogModel, body: unknown): Promise<void>;
  /** What `usage` costs at the request's model prices, in micro-credits; 0 without usage or model. */
  price(usage: TokenUsage | undefined): number;
  /**
   * Settles the request (once): prices its usage, queues its usage record with its debit, releases
   * its admission, sets `x-switchyard-credits-used` while headers can still be set, and logs one
   * line. Returns the cost in micro-credits.
   */
  finish(status: number, fields?: { usage?: TokenUsage; errorCode?: string; timeToFirstTokenMs?: number }): number;
  /** Stops watching the client's connection; releases an admission that `finish` did not. */
  dispose(): void;
}

/**
 * What every model-calling route does around its work: watch the client's connection (a client that
 * leaves cancels the provider call), admit the request against its limits and credit, time it, and
 * settle it — cost, usage record and debit, one log line.
 */
export function trackRequest(switchyard: Switchyard, request: FastifyRequest, reply: FastifyReply, fields: { surface: Surface; model: string; streamed: boolean }): TrackedRequest {
  const principal = request.principal!;
  const cancel = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) cancel.abort();
  };
  reply.raw.on('close', onClose);
  let finished = false;
  let admission: Admission | undefined;
  const tracked: TrackedRequest = {
    signal: cancel.signal,
    startedAt: performance.now(),
    provider: '',
    model: undefined,
    async admit(model, body) {
      tracked.model = model;
      admission = await switchyard.admission.admit(principal, model, { requestId: request.id, requestedModel: fields.model, body });
      for (const [name, value] of Object.entries(admission.headers)) reply.header(name, value);
    },
    price: (usage) => (usage && tracked.model ? computeCost(usage, tracked.model.pricing) : 0),
    finish(status, outcome = {}) {
      if (finished) return 0;
      finished = true;
      const cost = tracked.price(outcome.usage);
      const record = buildUsageRecord({ requestId: request.id, principal, ...fields, provider: tracked.provider, status, startedAt: tracked.startedAt, ...outcome, cost });
      const debit: LedgerEntry | undefined =
        cost > 0
          ? // The request id is already unique across instances: the debit id needs no random bytes on the hot path.
            { id: `led_${request.id}`, organizationId: principal.organizationId, apiKeyId: principal.id, amount: -cost, kind: 'debit', reason: null, requestId: request.id, createdAt: new Date(record.createdAt).toISOString() }
          : undefined;
      switchyard.usage.record(record, debit);
      const tokens = (outcome.usage?.promptTokens ?? 0) + (outcome.usage?.completionTokens ?? 0);
      if (admission) admission.settle(cost, tokens);
      else if (cost > 0) switchyard.admission.charge(principal, cost);
      if (tracked.model && !reply.raw.headersSent) reply.header(CREDITS_USED_HEADER, formatMicros(cost));
      request.log.info(
        { organization: principal.organizationName, surface: fields.surface, model: fields.model, provider: tracked.provider, status, streamed: fields.streamed, latencyMs: record.latencyMs, cost },
        'model request',
      );
      return cost;
    },
    dispose: () => {
      reply.raw.off('close', onClose);
      admission?.settle(0, 0);
    },
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
