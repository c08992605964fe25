import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

const SUBSCRIBE_RETRY_MS = 1_000;

/**
 * Tells every instance sharing a Redis that keys or organizations changed (a key revoked, an
 * organization disabled, limits changed), so their key caches reload at once instead of at their
 * next one-second poll. The message carries nothing: each instance reads the change from the store.
 */
export class KeyChangeChannel {
  private subscriber: Redis | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  private get name(): string {
    return `${this.prefix}key-changes`;
  }

  publish(): void {
    this.redis.publish(this.name, '1').catch((error: unknown) => this.logger.error({ err: error }, 'could not announce a key change'));
  }

  /**
   * Calls `onChange` for every change announced by any instance (this one included), once
   * subscribed. Not waited for: with Redis down or slow at start the instance starts all the same
   * (its key cache polls the store every second meanwhile), and the subscription is tried again
   * every second, on a fresh connection, until it is made; ioredis renews it after each reconnect from then on.
   */
  subscribe(onChange: () => void): void {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    // Reported once above when it keeps the subscription from being made; each reconnect's error is a debug line.
    subscriber.on('error', (error: unknown) => this.logger.debug({ err: error }, 'key change channel: Redis subscriber error'));
    subscriber.on('message', (channel: string) => {
      if (channel === this.name) onChange();
    });
    let failures = 0;
    const attempt = () => {
      subscriber.subscribe(this.name).then(
        () => {
          if (failures > 0) this.logger.warn({ attempts: failures + 1 }, 'subscribed to key changes');
        },
        (error: unknown) => {
          if (this.closed) return;
          if (failures === 0) this.logger.warn({ err: error }, 'could not subscribe to key changes: the key cache follows them by its poll of the store until Redis answers (retried every second)');
          failures += 1;
          // On a fresh connection: one whose packets were dropped may never answer.
          subscriber.disconnect(true);
          this.retry = setTimeout(attempt, SUBSCRIBE_RETRY_MS);
          this.retry.unref();
        },
      );
    };
    attempt();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.subscriber?.quit().catch(() => undefined);
  }
}
