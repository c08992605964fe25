import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SwitchyardConfig } from '../config/load-config.ts';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import { createSwitchyard, type Switchyard } from '../switchyard.ts';
import { buildServer } from './build-server.ts';
import { startMetricsServer } from './routes/metrics-routes.ts';
import { trimIdleMemory } from '../core/trim-idle-memory.ts';

export interface RunningGateway {
  app: FastifyInstance;
  switchyard: Switchyard;
  /** Base URL the gateway listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  /** `GET /metrics` on a port of its own (SWITCHYARD_METRICS_PORT), e.g. http://127.0.0.1:9464/metrics; absent when the main port serves it. */
  metricsUrl?: string;
  /** Stops taking requests, lets the ones in flight finish, flushes usage, closes the store. */
  close(): Promise<void>;
}

/** Wires the service layer, starts its background work and listens: what `serve`, `demo` and the tests run. */
export async function startGateway(config: SwitchyardConfig, options: { logger?: Logger; clusterWorker?: boolean } = {}): Promise<RunningGateway> {
  const switchyard = await createSwitchyard(config, options);
  await switchyard.start();
  const app = buildServer(switchyard);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const metricsServer = config.metricsPort === undefined ? undefined : await startMetricsServer(switchyard, config.host, config.metricsPort);
  const metricsAddress = metricsServer?.address();
  const stopTrimming = trimIdleMemory();
  let closing: Promise<void> | undefined;
  return {
    app,
    switchyard,
    url: `http://${host}:${port}`,
    ...(metricsAddress && typeof metricsAddress === 'object' && { metricsUrl: `http://${host}:${metricsAddress.port}/metrics` }),
    close() {
      closing ??= (async () => {
        stopTrimming();
        // Fastify closes the connections idle when closing starts; one whose request was still in
        // flight would stay open until its keep-alive timeout (72 s) and hold the shutdown (and the
        // final usage flush) that long. So connections are closed as soon as they fall idle.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        // Requests still running at the shutdown deadline are ended (streams with their error event) and settled, so they reach the ledger.
        const deadline = setTimeout(() => switchyard.pipeline.abortInFlight(GATEWAY_ERRORS.shuttingDown()), config.shutdownTimeoutMs);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
          clearTimeout(deadline);
        }
        metricsServer?.closeAllConnections();
        await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
        await switchyard.close();
      })();
      return closing;
    },
  };
}
