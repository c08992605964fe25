import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { subscribeWithRetry, type RedisSubscription } from '../core/redis-subscription.ts';
import { BalancedAdapter } from '../providers/balanced-adapter.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';

/**
 * Shares circuit breakers between the instances on one Redis: when a deployment's breaker opens
 * here, every other instance rests that deployment for the same cool-down (a message on a Redis
 * channel, `<prefix>breakers`, carrying provider, deployment and the rest in milliseconds — not a
 * clock time, so clocks need not agree). Nothing is read from Redis on a request; when Redis is
 * down, each instance keeps its own breakers.
 */
export class BreakerChannel {
  private subscription: RedisSubscription | undefined;
  private readonly instance = randomUUID();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  private get name(): string {
    return `${this.prefix}breakers`;
  }

  start(adapters: Map<string, ProviderAdapter>): void {
    const breakers = new Map<string, ReturnType<BalancedAdapter['breakers']>[number]['breaker']>();
    for (const [provider, adapter] of adapters) {
      if (!(adapter instanceof BalancedAdapter)) continue;
      for (const { name, breaker } of adapter.breakers()) {
        breakers.set(`${provider}/${name}`, breaker);
        breaker.onOpened = (restMs) => this.publish(provider, name, restMs);
      }
    }
    // Not waited for: with Redis down at start, the instance starts with breakers of its own and subscribes once Redis answers.
    this.subscription = subscribeWithRetry(this.redis, this.name, 'breaker channel', this.logger, (text) => {
      try {
        const message = JSON.parse(text) as { instance?: unknown; provider?: unknown; deployment?: unknown; restMs?: unknown };
        if (message.instance === this.instance || typeof message.restMs !== 'number' || !Number.isFinite(message.restMs) || message.restMs <= 0) return;
        breakers.get(`${String(message.provider)}/${String(message.deployment)}`)?.openedElsewhere(Math.min(message.restMs, 3_600_000));
      } catch {
        // Not ours to read: ignored.
      }
    });
  }

  private publish(provider: string, deployment: string, restMs: number): void {
    this.redis
      .publish(this.name, JSON.stringify({ instance: this.instance, provider, deployment, restMs }))
      .catch((error: unknown) => this.logger.warn({ err: error, provider, deployment }, 'could not share an opened circuit breaker'));
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }
}
