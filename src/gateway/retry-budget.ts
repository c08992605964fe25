import { RollingCounts } from '../core/rolling-counts.ts';

/** Seconds the budget looks back over. */
const WINDOW_SECONDS = 10;

/**
 * How many retries and failovers one provider may take: at most `share` of its recent requests
 * (the last 10 s), but always `floorPerSecond` a second, so an outage is not multiplied by the
 * retry rule while a quiet provider can still retry. Counted in one-second buckets; nothing is
 * kept past the window.
 */
export class RetryBudget {
  private readonly counts: RollingCounts<'requests' | 'retries'>;

  constructor(
    private readonly settings: { share: number; floorPerSecond: number },
    now: () => number = Date.now,
  ) {
    this.counts = new RollingCounts(['requests', 'retries'], WINDOW_SECONDS, 1_000, now);
  }

  /** A first attempt was sent. */
  recordRequest(): void {
    this.counts.add('requests');
  }

  /** Whether one more retry (or failover) may go; counted when it may. */
  tryRetry(): boolean {
    if (this.counts.current('retries') < this.settings.floorPerSecond || this.counts.total('retries') < this.counts.total('requests') * this.settings.share) {
      this.counts.add('retries');
      return true;
    }
    return false;
  }
}

/** One RetryBudget per provider, made on first use. */
export class RetryBudgets {
  private readonly budgets = new Map<string, RetryBudget>();

  constructor(private readonly settings: { share: number; floorPerSecond: number }) {}

  of(provider: string): RetryBudget {
    let budget = this.budgets.get(provider);
    if (!budget) {
      budget = new RetryBudget(this.settings);
      this.budgets.set(provider, budget);
    }
    return budget;
  }
}
