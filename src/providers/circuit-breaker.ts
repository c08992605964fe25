import type { CircuitBreakerSettings } from '../config/load-config.ts';
import { RollingCounts } from '../core/rolling-counts.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Buckets the failure-rate window is counted in. */
const WINDOW_BUCKETS = 10;

/**
 * One deployment's circuit breaker: closed while it answers; open after `failures` failures in a
 * row, or when failures pass `failureRatePercent` of the answers of the last `windowMs` (once
 * `minimumRequests` were seen), keeping the deployment out for `cooldownMs`; then half-open, letting
 * one probe through — closed again when it succeeds, open for another cool-down when it fails.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  /** Answers and failures of the last `windowMs`. */
  private readonly window: RollingCounts<'answers' | 'failures'>;
  private openUntil = 0;
  /** While half-open, a probe is out: no second request goes until it answers. */
  private probing = false;

  /** Told when this breaker opens (not when another instance's opening is applied here): for sharing it. */
  onOpened: ((restMs: number) => void) | undefined;

  constructor(
    /** The failure-rate fields are optional: without them only failures in a row open it. */
    private readonly settings: Pick<CircuitBreakerSettings, 'failures' | 'cooldownMs'> & Partial<CircuitBreakerSettings>,
    private readonly now: () => number = Date.now,
  ) {
    this.window = new RollingCounts(['answers', 'failures'], WINDOW_BUCKETS, (settings.windowMs ?? 10_000) / WINDOW_BUCKETS, now);
  }

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
    this.window.add('answers');
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
    this.window.add('answers');
    this.window.add('failures');
    this.consecutiveFailures += 1;
    const wasProbe = this.probing;
    this.probing = false;
    if (wasProbe || this.consecutiveFailures >= this.settings.failures || this.failureRateExceeded()) {
      this.openUntil = this.now() + this.settings.cooldownMs;
      this.onOpened?.(this.settings.cooldownMs);
    }
  }

  private failureRateExceeded(): boolean {
    const { failureRatePercent = 100, minimumRequests = Number.POSITIVE_INFINITY } = this.settings;
    const answers = this.window.total('answers');
    return answers >= minimumRequests && this.window.total('failures') * 100 >= answers * failureRatePercent;
  }
}
