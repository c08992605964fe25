import type { FastifyInstance } from 'fastify';
import type { Switchyard } from '../../switchyard.ts';

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
    const store = (await switchyard.storeAnswers()) ? 'ok' : 'unavailable';
    const redis = switchyard.redisHealth ? (switchyard.redisHealth.down ? 'unavailable' : 'ok') : undefined;
    const degraded = store !== 'ok' || redis === 'unavailable';
    return { status: degraded ? 'degraded' : 'ready', checks: { store, ...(redis && { redis }) }, providers: [...switchyard.adapters.keys()] };
  });
}
