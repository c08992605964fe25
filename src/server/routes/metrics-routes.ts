import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import type { Switchyard } from '../../switchyard.ts';
import { checkBearerToken, digestAdminToken } from '../authenticate-admin.ts';

/**
 * `GET /metrics` in Prometheus' text format, on the main port unless SWITCHYARD_METRICS_PORT gives
 * it a port of its own (`startMetricsServer`); open, or behind `Authorization: Bearer
 * <SWITCHYARD_METRICS_TOKEN>` when one is set. No key is needed: the edge treats it as public.
 */
export function registerMetricsRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  if (switchyard.config.metricsPort !== undefined) return;
  const check = tokenCheck(switchyard);
  app.get('/metrics', { config: { public: true } }, async (request, reply) => {
    check(request.headers.authorization);
    const { metrics } = switchyard;
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.text());
  });
}

/** The metrics on a port of their own (plain node:http: nothing else is served there). */
export async function startMetricsServer(switchyard: Switchyard, host: string, port: number): Promise<Server> {
  const check = tokenCheck(switchyard);
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Not found: the metrics are at GET /metrics', type: 'not_found_error', code: 'not_found' } }));
        return;
      }
      try {
        check(request.headers.authorization);
        const { metrics } = switchyard;
        const text = await metrics.text();
        response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      } catch (error) {
        const refusal = error instanceof GatewayError ? error : GATEWAY_ERRORS.internal();
        response.writeHead(refusal.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: refusal.message, type: refusal.type, code: refusal.code } }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function tokenCheck(switchyard: Switchyard): (authorization: string | undefined) => void {
  const token = switchyard.config.metricsToken;
  if (!token) return () => undefined;
  const digest = digestAdminToken(token);
  return (authorization) => checkBearerToken(authorization, digest, GATEWAY_ERRORS.invalidMetricsToken);
}
