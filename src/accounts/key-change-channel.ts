import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Tells every instance sharing a Redis that keys or organizations changed (a key revoked, an
 * organization disabled, limits changed), so their key caches reload at once instead of at their
 * next one-second poll. The message carries nothing: each instance reads the change from the store.
 */
export class KeyChangeChannel {
  private subscriber: Redis | undefined;

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

  /** Calls `onChange` for every change announced by any instance (this one included). */
  async subscribe(onChange: () => void): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (channel: string) => {
      if (channel === this.name) onChange();
    });
    await this.subscriber.subscribe(this.name);
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }
}
