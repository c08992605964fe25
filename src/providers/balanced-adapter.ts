import type { DeploymentSettings } from '../config/load-config.ts';
import { asRetryable, GatewayError } from '../core/gateway-error.ts';
import type { ChatStreamEvent, ChatUsage } from '../core/chat-types.ts';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.ts';
import { isTransientStatus } from './is-transient-status.ts';
import { peekFirstEvent } from './peek-first-event.ts';
import type { AttemptObserver, ChatCall, ChatResult, EmbeddingCall, EmbeddingResult, ForwardRequest, ProviderAdapter, ProviderDescriptor } from './provider-adapter.ts';
import type { ImageCall, ImageResult } from './image-call.ts';
import type { UpstreamResponse } from './upstream-client.ts';
import { readRetryAfter } from './read-retry-after.ts';

/** One deployment of a provider: its adapter (its base URL and key), its weight, its breaker. */
export interface Deployment {
  settings: DeploymentSettings;
  adapter: ProviderAdapter;
  breaker: CircuitBreaker;
}

/** A deployment's state as the admin API shows it. */
export interface DeploymentState {
  name: string;
  weight: number;
  breaker: BreakerState;
  inFlight: number;
  lastError: string | null;
  /** Peak-EWMA of the time to the first answer (headers; a stream's first event), in ms (rounded); null until the deployment answered once. */
  latencyEwmaMs: number | null;
}

/**
 * A provider with several deployments, as one adapter: each call goes to one deployment, picked
 * at random by weight among those whose breaker lets it through; a retry of the same request
 * (same signal) goes to a deployment it has not tried yet when one is left. A deployment's breaker
 * counts a thrown retryable failure (connection refused or reset, timeout, 5xx, 429) or a
 * passed-through transient status as a failure, and any other answer as a success. When every
 * breaker is open, the deployment that reopens first is tried rather than failing outright.
 */
export class BalancedAdapter implements ProviderAdapter {
  readonly descriptor: ProviderDescriptor;
  readonly nativeSurfaces: ProviderAdapter['nativeSurfaces'];
  /** Deployments each request has tried, by its signal. */
  private readonly tried = new WeakMap<AbortSignal, Set<Deployment>>();
  private readonly inFlight = new Map<Deployment, number>();
  private readonly lastErrors = new Map<Deployment, string>();
  readonly forward?: (request: ForwardRequest) => Promise<UpstreamResponse>;
  readonly embed?: (call: EmbeddingCall) => Promise<EmbeddingResult>;
  readonly generateImages?: (call: ImageCall) => Promise<ImageResult>;
  readonly continuesPrefill?: boolean;

  /** Peak-EWMA latency to a deployment's first answer (headers; a stream's first event), per deployment (least-latency strategy). */
  private readonly latency = new Map<Deployment, { ewmaMs: number; at: number }>();

  constructor(
    private readonly deployments: Deployment[],
    private readonly random: () => number = Math.random,
    private readonly strategy: 'weighted' | 'least-latency' = 'weighted',
    /** Told of each failed attempt (the metrics' upstream errors). */
    private readonly onFailure?: (deployment: string, kind: string) => void,
  ) {
    const first = deployments[0]!.adapter;
    this.descriptor = first.descriptor;
    this.nativeSurfaces = first.nativeSurfaces;
    this.continuesPrefill = first.continuesPrefill;
    if (first.forward) this.forward = (request) => this.forwardBalanced(request);
    if (first.embed) this.embed = (call) => this.embedBalanced(call);
    if (first.generateImages) this.generateImages = (call) => this.generateImagesBalanced(call);
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    const deployment = this.pick(call.signal, call.model.strategy);
    const result = await this.track(deployment, async () => withFirstEvent(await deployment.adapter.chat(call), call.signal), () => false, call.onAttempt);
    return withDeployment(result, deployment.settings.name);
  }

  private async embedBalanced(call: EmbeddingCall): Promise<EmbeddingResult> {
    const deployment = this.pick(call.signal, call.model.strategy);
    const result = await this.track(deployment, () => deployment.adapter.embed!(call), () => false, call.onAttempt);
    return withDeployment(result, deployment.settings.name);
  }

  private async generateImagesBalanced(call: ImageCall): Promise<ImageResult> {
    const deployment = this.pick(call.signal, call.model.strategy);
    const result = await this.track(deployment, () => deployment.adapter.generateImages!(call), () => false, call.onAttempt);
    return withDeployment(result, deployment.settings.name);
  }

  scrub(text: string): string {
    return this.deployments.reduce((scrubbed, deployment) => deployment.adapter.scrub(scrubbed), text);
  }

  readUsage(usage: ChatUsage | null | undefined) {
    return this.deployments[0]!.adapter.readUsage(usage);
  }

  /** Each deployment's name and breaker, for sharing breaker state between instances. */
  breakers(): { name: string; breaker: CircuitBreaker }[] {
    return this.deployments.map((deployment) => ({ name: deployment.settings.name, breaker: deployment.breaker }));
  }

  states(): DeploymentState[] {
    return this.deployments.map((deployment) => ({
      name: deployment.settings.name,
      weight: deployment.settings.weight,
      breaker: deployment.breaker.state,
      inFlight: this.inFlight.get(deployment) ?? 0,
      lastError: this.lastErrors.get(deployment) ?? null,
      latencyEwmaMs: this.latency.has(deployment) ? Math.round(this.latency.get(deployment)!.ewmaMs) : null,
    }));
  }

  private async forwardBalanced(request: ForwardRequest): Promise<UpstreamResponse> {
    // An object stored by one deployment (account) is asked of that one, whatever its breaker says.
    const deployment = this.deployments.find((candidate) => candidate.settings.name === request.deployment) ?? this.pick(request.signal, request.strategy);
    const response = await this.track(deployment, async () => peekFirstEvent(await deployment.adapter.forward!(request), this.descriptor.id, request.signal), (response) => isTransientStatus(response.status), request.onAttempt);
    return withDeployment(response, deployment.settings.name);
  }

  /** A deployment for this attempt: weighted among the untried ones whose breaker lets it through (or the less loaded of two: least-latency, the provider's or the model's strategy). */
  pick(signal: AbortSignal, strategy = this.strategy): Deployment {
    const tried = this.tried.get(signal) ?? new Set<Deployment>();
    this.tried.set(signal, tried);
    const untried = this.deployments.filter((deployment) => !tried.has(deployment));
    const candidates = untried.length > 0 ? untried : this.deployments;
    let chosen: Deployment | undefined;
    // Weighted draws without replacement until a breaker lets one through; least-latency draws two
    // that could go and takes the less loaded (power of two choices), giving the other's probe back.
    const pool = [...candidates];
    const open: Deployment[] = [];
    while (pool.length > 0 && open.length < (strategy === 'least-latency' ? 2 : 1)) {
      const drawn = this.draw(pool);
      pool.splice(pool.indexOf(drawn), 1);
      if (drawn.breaker.tryAcquire()) open.push(drawn);
    }
    if (open.length === 2) {
      const [first, second] = open as [Deployment, Deployment];
      chosen = this.load(second) < this.load(first) ? second : first;
      (chosen === first ? second : first).breaker.released();
    } else chosen = open[0];
    // Every breaker open: the one that reopens first.
    chosen ??= [...candidates].sort((a, b) => a.breaker.reopensAt - b.breaker.reopensAt)[0]!;
    tried.add(chosen);
    return chosen;
  }

  /** Peak-EWMA latency × (requests in flight + 1): what least-latency compares; an unmeasured deployment is tried first. */
  private load(deployment: Deployment): number {
    return (this.latency.get(deployment)?.ewmaMs ?? 0) * ((this.inFlight.get(deployment) ?? 0) + 1);
  }

  /** Peak-EWMA: a slower answer counts at once, faster ones pull the average down with a 10 s time constant. */
  private observeLatency(deployment: Deployment, ms: number): void {
    const now = performance.now();
    const previous = this.latency.get(deployment);
    if (!previous || ms > previous.ewmaMs) {
      this.latency.set(deployment, { ewmaMs: ms, at: now });
      return;
    }
    const decay = Math.exp(-(now - previous.at) / LATENCY_TIME_CONSTANT_MS);
    this.latency.set(deployment, { ewmaMs: previous.ewmaMs * decay + ms * (1 - decay), at: now });
  }

  private draw(pool: Deployment[]): Deployment {
    const total = pool.reduce((sum, deployment) => sum + deployment.settings.weight, 0);
    let point = this.random() * total;
    for (const deployment of pool) {
      point -= deployment.settings.weight;
      if (point < 0) return deployment;
    }
    return pool[pool.length - 1]!;
  }

  private async track<T>(deployment: Deployment, send: () => Promise<T>, transient: (answer: T) => boolean, onAttempt?: AttemptObserver): Promise<T> {
    this.inFlight.set(deployment, (this.inFlight.get(deployment) ?? 0) + 1);
    const startedAt = performance.now();
    const attempted = onAttempt?.(deployment.settings.name);
    try {
      const answer = await send();
      // A forwarded answer has its status; a chat result, none (it is a success).
      attempted?.({ status: (answer as { status?: number }).status });
      this.observeLatency(deployment, performance.now() - startedAt);
      if (transient(answer)) {
        const { status, headers } = answer as { status: number; headers: Record<string, string | string[] | undefined> };
        this.fail(deployment, `HTTP ${status}`, retryAfterOf(readRetryAfter(headers, status)));
      }
      else deployment.breaker.succeeded();
      return answer;
    } catch (error) {
      attempted?.({ error });
      if (!(error instanceof GatewayError)) deployment.breaker.released();
      else if (error.retryable) {
        this.observeLatency(deployment, performance.now() - startedAt);
        this.fail(deployment, error.code, retryAfterOf(error.headers?.['retry-after']));
      } else deployment.breaker.succeeded();
      throw error;
    } finally {
      this.inFlight.set(deployment, (this.inFlight.get(deployment) ?? 1) - 1);
    }
  }

  private fail(deployment: Deployment, reason: string, restMs?: number): void {
    deployment.breaker.failed();
    this.onFailure?.(deployment.settings.name, reason);
    // A 429's Retry-After rests the deployment that long, whatever its failure count.
    if (restMs !== undefined) deployment.breaker.restFor(restMs);
    this.lastErrors.set(deployment, reason);
  }
}

/**
 * A streamed answer whose first event has arrived: a stream that breaks, stalls past its idle
 * timeout or sends an error before any event is a failure of its deployment before anything could
 * reach the client — retryable (another deployment, then the next model), as before its headers.
 */
async function withFirstEvent(result: ChatResult, signal: AbortSignal): Promise<ChatResult> {
  if (result.kind !== 'stream') return result;
  let first: IteratorResult<ChatStreamEvent>;
  try {
    first = await result.events.next();
  } catch (error) {
    // A cancelled request (the client left, its deadline, a shutdown) is no failure of the deployment.
    throw !signal.aborted && error instanceof GatewayError && BEFORE_FIRST_EVENT_RETRYABLE.has(error.code) ? asRetryable(error) : error;
  }
  const rest = result.events;
  let given = false;
  const events: AsyncIterator<ChatStreamEvent> = {
    next: () => (given ? rest.next() : ((given = true), Promise.resolve(first))),
    return: (value?: unknown) => rest.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
  return { ...result, events };
}

/**
 * A deployment's answer, named. `Object.assign` onto a new object, not `{ ...result, deployment }`:
 * V8 (Node 20) keeps an object made by a spread and given a key its source lacked through
 * young-generation collections (ARCHITECTURE.md, "per-request objects dying young").
 */
function withDeployment<Result extends object>(result: Result, deployment: string): Result & { deployment: string } {
  return Object.assign({}, result, { deployment });
}

/** Stream failures that are transport trouble when no event came yet: the connection broke, went idle, or the provider sent an error event. */
const BEFORE_FIRST_EVENT_RETRYABLE = new Set(['upstream_stream_interrupted', 'upstream_timeout']);

/** How long the least-latency average remembers: a faster answer moves it by 1 − e^(−Δt/10 s). */
const LATENCY_TIME_CONSTANT_MS = 10_000;

/** A Retry-After header (seconds, or an HTTP date) in milliseconds, capped at 5 minutes; undefined when absent or unreadable. */
function retryAfterOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1_000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, 300_000) : undefined;
}
