import cluster from 'node:cluster';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { primaryLink } from '../core/primary-link.ts';

/** One settled request as the metrics see it: the usage record's fields. */
export interface ObservedRequest {
  surface: string;
  model: string;
  provider: string;
  deployment?: string | null;
  status: number;
  errorCode: string | null;
  promptTokens: number | null;
  cachedPromptTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  /** Micro-credits debited. */
  cost: number;
}

const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * The gateway's Prometheus metrics (prom-client), one registry per gateway. Every request is
 * counted once, when it settles, from the same fields as its usage record, so the counters equal
 * the request log and the ledger exactly. Label values are bounded: `model` is a catalog id or
 * `unknown`, `organization` a stored organization's name, `provider`/`deployment` configured names;
 * no key or request id is ever a label. Money is an integer counter of micro-credits.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'surface' | 'model' | 'provider' | 'deployment' | 'status'>;
  private readonly duration: Histogram<'surface' | 'model'>;
  private readonly timeToFirstToken: Histogram<'surface' | 'model'>;
  private readonly tokens: Counter<'model' | 'type'>;
  private readonly creditsSpent: Counter<'organization'>;
  private readonly refusals: Counter<'reason'>;
  private readonly upstreamErrors: Counter<'provider' | 'deployment' | 'kind'>;

  constructor(options: {
    /** Whether a model id is in the catalog (else it is labelled `unknown`). */
    knownModel: (id: string) => boolean;
    /** Requests in flight, read at each scrape. */
    inFlight: () => number;
    /** Each dependency's health at each scrape: 1 up, 0 down (absent: not configured). */
    dependencies: () => Promise<Record<string, boolean>>;
  }) {
    const registers = [this.registry];
    this.knownModel = options.knownModel;
    this.requests = new Counter({ name: 'switchyard_requests_total', help: 'Model requests settled, by surface, model, provider, deployment and HTTP status', labelNames: ['surface', 'model', 'provider', 'deployment', 'status'], registers });
    this.duration = new Histogram({ name: 'switchyard_request_duration_seconds', help: 'Time from a request to its last byte', labelNames: ['surface', 'model'], buckets: LATENCY_BUCKETS_SECONDS, registers });
    this.timeToFirstToken = new Histogram({ name: 'switchyard_time_to_first_token_seconds', help: 'Time from a request to its first output token', labelNames: ['surface', 'model'], buckets: LATENCY_BUCKETS_SECONDS, registers });
    this.tokens = new Counter({ name: 'switchyard_tokens_total', help: 'Tokens billed, by model and type (input includes cached_input; output includes reasoning)', labelNames: ['model', 'type'], registers });
    this.creditsSpent = new Counter({ name: 'switchyard_credits_spent_micros_total', help: 'Micro-credits debited, by organization', labelNames: ['organization'], registers });
    this.refusals = new Counter({ name: 'switchyard_refusals_total', help: 'Requests refused by the gateway for limits: rate or concurrency (429) and credit (402)', labelNames: ['reason'], registers });
    this.upstreamErrors = new Counter({ name: 'switchyard_upstream_errors_total', help: 'Failed provider attempts (retries included), by provider, deployment and error code', labelNames: ['provider', 'deployment', 'kind'], registers });
    new Gauge({
      name: 'switchyard_inflight_requests',
      help: 'Model requests in flight',
      registers,
      collect() {
        this.set(options.inFlight());
      },
    });
    new Gauge({
      name: 'switchyard_dependency_up',
      help: 'Whether a dependency answers (store, redis): 1 up, 0 down',
      labelNames: ['dependency'],
      registers,
      // Across the workers of `serve --workers N`: down when any worker finds it down.
      aggregator: 'min',
      async collect() {
        for (const [dependency, up] of Object.entries(await options.dependencies())) this.set({ dependency }, up ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
    if (cluster.isWorker) {
      // A worker of `serve --workers N` answers the primary's requests for its metrics (listening from now on).
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.registry]);
    }
  }

  /**
   * The metrics in Prometheus' text format: this process's, or in a worker of `serve --workers N`
   * every worker's, summed by the primary (prom-client's AggregatorRegistry asks each worker for its registry).
   */
  async text(): Promise<string> {
    if (!cluster.isWorker) return this.registry.metrics();
    return primaryLink().ask<string>('metrics');
  }

  private readonly knownModel: (id: string) => boolean;

  /** Counts one settled request of an organization (its name is the credits counter's label). */
  observeRequest(request: ObservedRequest, organizationName: string): void {
    const model = this.knownModel(request.model) ? request.model : 'unknown';
    this.requests.inc({ surface: request.surface, model, provider: request.provider || 'none', deployment: request.deployment ?? 'none', status: String(request.status) });
    this.duration.observe({ surface: request.surface, model }, request.latencyMs / 1_000);
    if (request.timeToFirstTokenMs !== null) this.timeToFirstToken.observe({ surface: request.surface, model }, request.timeToFirstTokenMs / 1_000);
    const tokens: [string, number | null][] = [
      ['input', request.promptTokens],
      ['cached_input', request.cachedPromptTokens],
      ['output', request.completionTokens],
      ['reasoning', request.reasoningTokens],
    ];
    for (const [type, count] of tokens) if (count) this.tokens.inc({ model, type }, count);
    if (request.cost > 0) this.creditsSpent.inc({ organization: organizationName }, request.cost);
    const refusal = refusalOf(request);
    if (refusal) this.refusals.inc({ reason: refusal });
  }

  /** Counts one failed attempt at a provider deployment. */
  observeUpstreamError(provider: string, deployment: string, kind: string): void {
    this.upstreamErrors.inc({ provider, deployment, kind });
  }
}

/** The gateway's own limit refusals, by their error codes (core/gateway-error.ts); provider 429s are upstream errors, not these. */
function refusalOf(request: ObservedRequest): 'rate_limit' | 'concurrency' | 'credits' | 'key_budget' | 'provider_share' | undefined {
  const code = request.errorCode;
  if (code === null) return undefined;
  if (code.endsWith('_per_minute_exceeded')) return 'rate_limit';
  if (code === 'concurrent_requests_exceeded') return 'concurrency';
  if (code === 'insufficient_credits') return 'credits';
  if (code === 'key_budget_exhausted') return 'key_budget';
  if (code === 'provider_share_exceeded') return 'provider_share';
  return undefined;
}
