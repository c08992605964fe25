import type { FastifyInstance } from 'fastify';
import type { Switchyard } from '../../switchyard.ts';

/** How long readiness waits for the store: a load balancer's probe must not hang on a blackholed database. */
const STORE_PING_TIMEOUT_MS = 1_000;

/**
 * Liveness (the process answers) and readiness. Neither needs a key. An instance serves model
 * requests from memory when its store or Redis is down (keys, balances and limits are cached;
 * usage waits in the journal), so readiness answers 200 with `"degraded"` and what is down, rather
 * than a 503 that would make a load balancer drain every instance because a dependency blinked.
 * Fastify answers 503 itself once the instance is shutting down.
 */
export function registerHealthRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true } }, async () => {
    const store = await pingStore(switchyard);
    const redis = switchyard.redisHealth ? (switchyard.redisHealth.down ? 'unavailable' : 'ok') : undefined;
    const degraded = store !== 'ok' || redis === 'unavailable';
    return { status: degraded ? 'degraded' : 'ready', checks: { store, ...(redis && { redis }) }, providers: [...switchyard.adapters.keys()] };
  });
}

async function pingStore(switchyard: Switchyard): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'unavailable'>((resolve) => (timer = setTimeout(() => resolve('unavailable'), STORE_PING_TIMEOUT_MS)));
  try {
    return await Promise.race([switchyard.store.ping().then((): 'ok' => 'ok', (): 'unavailable' => 'unavailable'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
