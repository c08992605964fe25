import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { SurfaceId } from '../core/surface-id.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { AuthenticatedKey, LedgerEntry, UsageRecord } from '../store/store.ts';
import { buildUsageRecord } from '../usage/build-usage-record.ts';
import type { UsageWriter } from '../usage/usage-writer.ts';
import type { AdmissionService, Admission } from './admission-service.ts';
import { boundRequestUsage } from './bound-request-cost.ts';
import { checkReportedUsage } from './check-reported-usage.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { RequestTrace } from '../observability/gateway-tracer.ts';
import { computeCost } from './compute-cost.ts';

/**
 * The money side of one model request, from admission to settlement: what the pipeline
 * (gateway/model-request-pipeline.ts) holds while it serves the request. Knows nothing of HTTP.
 */
export interface TrackedRequest {
  readonly startedAt: number;
  /** The request's spans, when tracing is on (observability/gateway-tracer.ts). */
  readonly trace?: RequestTrace;
  provider: string;
  /** The model the request is priced at: set by `admit`, or directly by a request that is not admitted (a poll). */
  model: CatalogModel | undefined;
  /**
   * The admit phase, between resolving the model and calling the provider: model allow-list (403),
   * rate and concurrency limits (429), credit reservation (402). Answers the rate-limit headers
   * every answer of a limited key carries.
   */
  admit(model: CatalogModel, body: unknown, bound?: TokenUsage): Promise<Record<string, string>>;
  /** What `usage` costs at the request's model prices, in micro-credits; 0 without usage or model. */
  price(usage: TokenUsage | undefined): number;
  /**
   * Widens the bounds reported usage is checked against by usage the request itself does not
   * account for: a `stream_resume` continuation's broken call and its prefill.
   */
  allowUsage(extra: { promptTokens: number; completionTokens: number }): void;
  /**
   * The settle phase (once): prices the usage, queues the usage record with its debit, releases
   * the admission (the reservation becomes the cost), logs one line. Returns the cost in micro-credits.
   */
  /** The model that served, when a fallback did (the usage record's model); absent: the requested one. */
  servedModel?: string;
  /** The provider deployment that answered (the usage record's). */
  deployment?: string;
  finish(status: number, outcome?: { usage?: TokenUsage; errorCode?: string; timeToFirstTokenMs?: number; usageEstimated?: boolean }): number;
  /** Releases an admission that `finish` did not: a bug cannot leak a reservation. */
  dispose(): void;
  /**
   * Hands the request's settlement to work that outlives it (a video job, gateway/video-jobs.ts):
   * from then on the request's own `dispose` does nothing; the handle's `finish` or `dispose` settles it.
   */
  keep(): KeptRequest;
}

/** A request whose settlement outlives it: priced, finished or released later, once. */
export type KeptRequest = Pick<TrackedRequest, 'price' | 'finish' | 'dispose'>;

/** Where a request's log lines go (the request's child logger, carrying its id). */
export interface RequestLogger {
  info(details: object, message: string): void;
  /**
   * Takes the request's metering facts (cost, provider, organization…) into its one access line
   * (server/log-every-answer.ts). Absent — or once that line is written (a video job settling
   * later) — they are written as a 'model request' line of their own.
   */
  settled?(details: object): void;
}

export interface RequestFacts {
  requestId: string;
  principal: AuthenticatedKey;
  surface: SurfaceId;
  /** The model id the client asked for. */
  model: string;
  streamed: boolean;
  /** The request's logger: its one line goes there. */
  logger: RequestLogger;
  /** The request's spans, when tracing is on: settlement is one of them. */
  trace?: RequestTrace;
  /** When the organization keeps bodies: puts them on the usage record before it is written. */
  bodies?: RequestBodies;
}

/**
 * The prompt and answer of a request whose organization keeps them (gateway/capture-bodies.ts).
 * The record is settled before the last bytes of an answer are written: `attach` holds the
 * record's write until the answer is complete, then writes it once with its bodies.
 */
export interface RequestBodies {
  attach(record: UsageRecord, write: () => void): void;
}

/**
 * Starts the metering of one request. `onSettled` hears the cost once `finish` priced it (the
 * pipeline reports it to the client while headers can still be set).
 */
export function trackRequest(
  services: { admission: AdmissionService; usage: UsageWriter; metrics?: GatewayMetrics },
  facts: RequestFacts,
  onSettled?: (cost: number, tracked: TrackedRequest) => void,
): TrackedRequest {
  const { principal } = facts;
  let finished = false;
  let kept = false;
  let admission: Admission | undefined;
  let usageBound: ReturnType<typeof boundRequestUsage> | undefined;
  const tracked: TrackedRequest = {
    startedAt: performance.now(),
    trace: facts.trace,
    provider: '',
    model: undefined,
    async admit(model, body, bound) {
      tracked.model = model;
      usageBound = bound ? { promptTokens: bound.promptTokens, completionTokens: bound.completionTokens, choices: 1, units: bound.units } : boundRequestUsage(body, model);
      admission = await services.admission.admit(principal, model, { requestId: facts.requestId, requestedModel: facts.model, body, bound });
      return admission.headers;
    },
    allowUsage(extra) {
      if (usageBound) usageBound = { ...usageBound, promptTokens: usageBound.promptTokens + extra.promptTokens, completionTokens: usageBound.completionTokens + extra.completionTokens };
    },
    // Priced as settled: the cost a stream's final event shows is the one debited, capped usage included.
    price: (usage) => (usage && tracked.model ? computeCost(usageBound ? checkReportedUsage(usage, usageBound, tracked.model).usage : usage, tracked.model.pricing) : 0),
    finish(status, outcome = {}) {
      if (finished) return 0;
      finished = true;
      const settlement = tracked.trace?.settlement();
      // Every number from a provider is checked before it touches money.
      const checked = outcome.usage && usageBound && tracked.model ? checkReportedUsage(outcome.usage, usageBound, tracked.model) : undefined;
      const usage = checked?.usage ?? outcome.usage;
      const usageFlag = checked?.capped ? 'usage_capped' : outcome.usageEstimated && usage ? 'usage_estimated' : null;
      const cost = tracked.price(usage);
      const { requestId, surface, model, streamed } = facts;
      const record = buildUsageRecord({ requestId, principal, surface, model: tracked.servedModel ?? model, streamed, provider: tracked.provider, deployment: tracked.deployment, status, startedAt: tracked.startedAt, ...outcome, usage, cost, usageFlag, unit: tracked.model?.pricing.perUnit?.unit });
      const debit: LedgerEntry | undefined =
        cost > 0
          ? // The request id is already unique across instances: the debit id needs no random bytes on the hot path.
            { id: `led_${requestId}`, organizationId: principal.organizationId, apiKeyId: principal.id, amount: -cost, kind: 'debit', reason: null, requestId, createdAt: new Date(record.createdAt).toISOString() }
          : undefined;
      const write = () => services.usage.record(record, debit);
      if (facts.bodies) facts.bodies.attach(record, write);
      else write();
      services.metrics?.observeRequest(record, principal.organizationName);
      const tokens = (usage?.promptTokens ?? 0) + (usage?.completionTokens ?? 0);
      if (admission) admission.settle(cost, tokens);
      else if (cost > 0) services.admission.charge(principal, cost);
      onSettled?.(cost, tracked);
      settlement?.(record);
      const details = { organization: principal.organizationName, surface, model: tracked.servedModel ?? model, ...(tracked.servedModel && { requestedModel: model }), provider: tracked.provider, status, streamed, latencyMs: record.latencyMs, cost, ...(usageFlag && { usageFlag }) };
      if (facts.logger.settled) facts.logger.settled(details);
      else facts.logger.info(details, 'model request');
      return cost;
    },
    dispose() {
      if (!kept) admission?.settle(0, 0);
    },
    keep() {
      kept = true;
      return { price: tracked.price, finish: tracked.finish, dispose: () => admission?.settle(0, 0) };
    },
  };
  return tracked;
}
