import type { CircuitBreakerSettings } from '../config/load-config.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * One deployment's circuit breaker: closed while it answers; open after `failures` failures in a
 * row, keeping the deployment out for `cooldownMs`; then half-open, letting one probe through —
 * closed again when it succeeds, open for another cool-down when it fails.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openUntil = 0;
  /** While half-open, a probe is out: no second request goes until it answers. */
  private probing = false;

  /** Told when this breaker opens (not when another instance's opening is applied here): for sharing it. */
  onOpened: ((restMs: number) => void) | undefined;

  constructor(
    private readonly settings: CircuitBreakerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openUntil === 0) return 'closed';
    return this.now() < this.openUntil ? 'open' : 'half-open';
  }

  /** When an open breaker lets its probe through (0 when closed). */
  get reopensAt(): number {
    return this.openUntil;
  }

  /** Whether a request may go now; in half-open, the one that may is the probe. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  /** The deployment asked for a rest (a 429 with Retry-After): no request until then, then one probe. */
  restFor(ms: number): void {
    this.probing = false;
    this.openUntil = Math.max(this.openUntil, this.now() + ms);
    this.onOpened?.(ms);
  }

  /** Another instance opened this deployment's breaker for `ms`: it rests here too, without telling anyone again. */
  openedElsewhere(ms: number): void {
    this.probing = false;
    this.openUntil = Math.max(this.openUntil, this.now() + ms);
  }

  /** The request ended without telling anything of the deployment's health (the client left): a probe is given back. */
  released(): void {
    this.probing = false;
  }

  failed(): void {
    this.consecutiveFailures += 1;
    const wasProbe = this.probing;
    this.probing = false;
    if (wasProbe || this.consecutiveFailures >= this.settings.failures) {
      this.openUntil = this.now() + this.settings.cooldownMs;
      this.onOpened?.(this.settings.cooldownMs);
    }
  }
}
