import type { FastifyInstance } from 'fastify';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { Switchyard } from '../../switchyard.ts';

/** Liveness (the process answers) and readiness (its store answers). Neither needs a key. */
export function registerHealthRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true } }, async () => {
    try {
      await switchyard.store.ping();
    } catch (error) {
      throw GATEWAY_ERRORS.notReady(`store unavailable (${(error as Error).message})`);
    }
    return { status: 'ready', providers: [...switchyard.adapters.keys()] };
  });
}
