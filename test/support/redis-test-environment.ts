import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.SWITCHYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Gateway settings for a Redis shared by a test's instances, under a key prefix of the test run's
 * own, so runs never see each other's counters; `clear` removes its keys afterwards.
 */
export function redisTestEnvironment(): { environment: Record<string, string>; clear(): Promise<void> } {
  const prefix = `switchyard-test-${randomUUID()}:`;
  return {
    environment: { REDIS_URL: TEST_REDIS_URL, SWITCHYARD_REDIS_PREFIX: prefix },
    async clear() {
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}
