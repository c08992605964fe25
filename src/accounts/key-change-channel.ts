import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { subscribeWithRetry, type RedisSubscription } from '../core/redis-subscription.ts';

/**
 * Tells every instance sharing a Redis that keys or organizations changed (a key revoked, an
 * organization disabled, limits changed), so their key caches reload at once instead of at their
 * next one-second poll. The message carries nothing: each instance reads the change from the store.
 */
export class KeyChangeChannel {
  private subscription: RedisSubscription | undefined;

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
   * subscribed (core/redis-subscription.ts: not waited for, retried while Redis is down; the key
   * cache polls the store meanwhile).
   */
  subscribe(onChange: () => void): void {
    this.subscription = subscribeWithRetry(this.redis, this.name, 'key change channel', this.logger, onChange);
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}
