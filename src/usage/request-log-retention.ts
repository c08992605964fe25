import type { Store } from '../store/store.ts';

/** How often expired bodies and records are removed. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

interface RetentionLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * The request log's retention, enforced at start and every hour on every instance (each sweep is
 * one idempotent statement): prompt and answer bodies past their organization's retention are
 * removed, and, when `retentionDays` is set, whole usage records older than that. Ledger entries
 * are never touched: balances do not depend on the log.
 */
export class RequestLogRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: RetentionLogger,
    /** Days usage records are kept; undefined keeps them for good. */
    private readonly retentionDays: number | undefined,
  ) {}

  start(): void {
    const sweep = () => void this.sweep(Date.now()).catch((error: unknown) => this.logger.warn({ err: error }, 'could not apply the request log retention'));
    sweep();
    this.timer = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One sweep at `now` (Unix ms): what it removed. */
  async sweep(now: number): Promise<{ bodies: number; records: number }> {
    const bodies = await this.store.expireRequestBodies(now);
    const records = this.retentionDays === undefined ? 0 : await this.store.deleteUsageRecordsBefore(now - this.retentionDays * DAY_MS);
    if (bodies > 0 || records > 0) this.logger.info({ bodies, records }, 'applied the request log retention');
    return { bodies, records };
  }
}
