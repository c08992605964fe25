/** Seconds the budget looks back over. */
const WINDOW_SECONDS = 10;

/**
 * How many retries and failovers one provider may take: at most `share` of its recent requests
 * (the last 10 s), but always `floorPerSecond` a second, so an outage is not multiplied by the
 * retry rule while a quiet provider can still retry. Counted in one-second buckets; nothing is
 * kept past the window.
 */
export class RetryBudget {
  private readonly requests = new Array<number>(WINDOW_SECONDS).fill(0);
  private readonly retries = new Array<number>(WINDOW_SECONDS).fill(0);
  private second = 0;

  constructor(
    private readonly settings: { share: number; floorPerSecond: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** A first attempt was sent. */
  recordRequest(): void {
    this.requests[this.advance()]! += 1;
  }

  /** Whether one more retry (or failover) may go; counted when it may. */
  tryRetry(): boolean {
    const bucket = this.advance();
    const requests = this.requests.reduce((sum, count) => sum + count, 0);
    const retries = this.retries.reduce((sum, count) => sum + count, 0);
    if (this.retries[bucket]! < this.settings.floorPerSecond || retries < requests * this.settings.share) {
      this.retries[bucket]! += 1;
      return true;
    }
    return false;
  }

  /** The bucket of this second, emptying those the window left behind. */
  private advance(): number {
    const second = Math.floor(this.now() / 1_000);
    const passed = Math.min(second - this.second, WINDOW_SECONDS);
    for (let step = 1; step <= passed; step += 1) {
      const index = (this.second + step) % WINDOW_SECONDS;
      this.requests[index] = 0;
      this.retries[index] = 0;
    }
    if (passed > 0) this.second = second;
    return second % WINDOW_SECONDS;
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
