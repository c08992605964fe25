import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

const SUBSCRIBE_RETRY_MS = 1_000;

/** A channel subscription; `close()` ends it and its connection. */
export interface RedisSubscription {
  close(): Promise<void>;
}

/**
 * Subscribes to `channel` on a connection of its own and hands each message to `onMessage`. Never
 * waited for: with Redis down or slow at start the instance starts all the same, and the
 * subscription is tried again every second, on a fresh connection (one whose packets were dropped
 * may never answer), until it is made; ioredis renews it after each reconnect from then on. A
 * subscribe that failed is not retried by ioredis, so without this a Redis down at start left the
 * channel deaf for good. `what` names the channel in the log.
 */
export function subscribeWithRetry(redis: Redis, channel: string, what: string, logger: Logger, onMessage: (text: string) => void): RedisSubscription {
  const subscriber = redis.duplicate();
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  // The failure to subscribe is reported once below; each reconnect's error is a debug line.
  subscriber.on('error', (error: unknown) => logger.debug({ err: error }, `${what}: Redis subscriber error`));
  subscriber.on('message', (from: string, text: string) => {
    if (from === channel) onMessage(text);
  });
  let failures = 0;
  const attempt = () => {
    subscriber.subscribe(channel).then(
      () => {
        if (failures > 0) logger.warn({ attempts: failures + 1 }, `${what}: subscribed`);
      },
      (error: unknown) => {
        if (closed) return;
        if (failures === 0) logger.warn({ err: error }, `${what}: could not subscribe (retried every second until Redis answers)`);
        failures += 1;
        subscriber.disconnect(true);
        retry = setTimeout(attempt, SUBSCRIBE_RETRY_MS);
        retry.unref();
      },
    );
  };
  attempt();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await subscriber.quit().catch(() => undefined);
    },
  };
}
