import type { DeploymentSettings } from '../config/load-config.ts';
import { GatewayError } from '../core/gateway-error.ts';
import type { ChatUsage } from '../core/chat-types.ts';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.ts';
import { isTransientStatus } from './is-transient-status.ts';
import type { ChatCall, ChatResult, ForwardRequest, ProviderAdapter, ProviderDescriptor } from './provider-adapter.ts';
import type { UpstreamResponse } from './upstream-client.ts';

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

  constructor(
    private readonly deployments: Deployment[],
    private readonly random: () => number = Math.random,
  ) {
    const first = deployments[0]!.adapter;
    this.descriptor = first.descriptor;
    this.nativeSurfaces = first.nativeSurfaces;
    if (first.forward) this.forward = (request) => this.forwardBalanced(request);
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    const deployment = this.pick(call.signal);
    const result = await this.track(deployment, () => deployment.adapter.chat(call), () => false);
    return { ...result, deployment: deployment.settings.name };
  }

  scrub(text: string): string {
    return this.deployments.reduce((scrubbed, deployment) => deployment.adapter.scrub(scrubbed), text);
  }

  readUsage(usage: ChatUsage | null | undefined) {
    return this.deployments[0]!.adapter.readUsage(usage);
  }

  states(): DeploymentState[] {
    return this.deployments.map((deployment) => ({
      name: deployment.settings.name,
      weight: deployment.settings.weight,
      breaker: deployment.breaker.state,
      inFlight: this.inFlight.get(deployment) ?? 0,
      lastError: this.lastErrors.get(deployment) ?? null,
    }));
  }

  private async forwardBalanced(request: ForwardRequest): Promise<UpstreamResponse> {
    const deployment = this.pick(request.signal);
    const response = await this.track(deployment, () => deployment.adapter.forward!(request), (response) => isTransientStatus(response.status));
    return { ...response, deployment: deployment.settings.name };
  }

  /** A deployment for this attempt: weighted among the untried ones whose breaker lets it through. */
  pick(signal: AbortSignal): Deployment {
    const tried = this.tried.get(signal) ?? new Set<Deployment>();
    this.tried.set(signal, tried);
    const untried = this.deployments.filter((deployment) => !tried.has(deployment));
    const candidates = untried.length > 0 ? untried : this.deployments;
    let chosen: Deployment | undefined;
    // Weighted draws without replacement until a breaker lets one through.
    const pool = [...candidates];
    while (pool.length > 0 && !chosen) {
      const drawn = this.draw(pool);
      pool.splice(pool.indexOf(drawn), 1);
      if (drawn.breaker.tryAcquire()) chosen = drawn;
    }
    // Every breaker open: the one that reopens first.
    chosen ??= [...candidates].sort((a, b) => a.breaker.reopensAt - b.breaker.reopensAt)[0]!;
    tried.add(chosen);
    return chosen;
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

  private async track<T>(deployment: Deployment, send: () => Promise<T>, transient: (answer: T) => boolean): Promise<T> {
    this.inFlight.set(deployment, (this.inFlight.get(deployment) ?? 0) + 1);
    try {
      const answer = await send();
      if (transient(answer)) this.fail(deployment, `HTTP ${(answer as { status?: number }).status}`);
      else deployment.breaker.succeeded();
      return answer;
    } catch (error) {
      if (!(error instanceof GatewayError)) deployment.breaker.released();
      else if (error.retryable) this.fail(deployment, error.code);
      else deployment.breaker.succeeded();
      throw error;
    } finally {
      this.inFlight.set(deployment, (this.inFlight.get(deployment) ?? 1) - 1);
    }
  }

  private fail(deployment: Deployment, reason: string): void {
    deployment.breaker.failed();
    this.lastErrors.set(deployment, reason);
  }
}
