import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

const PROBE_INTERVAL_MS = 1_000;

/**
 * Whether Redis answers, as the metering sees it. The first failed command marks it down: from
 * then on admission and rate windows use their local counters at once, without waiting for a
 * command to time out on every request, and a PING every second (each failure reconnecting) watches for its return. When it
 * answers again, the `onRecovery` callbacks run (the shared balances are rebuilt from the ledger)
 * before it is marked up.
 */
export class RedisHealth {
  private downSince: number | undefined;
  private probe: NodeJS.Timeout | undefined;
  private readonly recoveries: (() => Promise<void>)[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  get down(): boolean {
    return this.downSince !== undefined;
  }

  onRecovery(callback: () => Promise<void>): void {
    this.recoveries.push(callback);
  }

  failed(error: unknown): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.logger.error({ err: error }, 'Redis is unreachable: admitting on local counters (a share of each balance) until it answers again');
    this.probe = setInterval(() => void this.check(), PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  close(): void {
    clearInterval(this.probe);
  }

  private checking = false;

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await this.redis.ping();
      for (const recovery of this.recoveries) await recovery();
      clearInterval(this.probe);
      this.logger.warn({ downForMs: Date.now() - this.downSince! }, 'Redis answers again: shared counters rebuilt from the ledger');
      this.downSince = undefined;
    } catch {
      // Still down (or the rebuild failed): the next probe tries again, on a fresh connection — one
      // whose packets were dropped may never answer, and only a reconnect finds out.
      this.redis.disconnect(true);
    } finally {
      this.checking = false;
    }
  }
}
