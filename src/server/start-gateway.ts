import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SwitchyardConfig } from '../config/load-config.ts';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import { createSwitchyard, type Switchyard } from '../switchyard.ts';
import { buildServer } from './build-server.ts';

export interface RunningGateway {
  app: FastifyInstance;
  switchyard: Switchyard;
  /** Base URL the gateway listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stops taking requests, lets the ones in flight finish, flushes usage, closes the store. */
  close(): Promise<void>;
}

/** Wires the service layer, starts its background work and listens: what `serve`, `demo` and the tests run. */
export async function startGateway(config: SwitchyardConfig, options: { logger?: Logger } = {}): Promise<RunningGateway> {
  const switchyard = await createSwitchyard(config, options);
  await switchyard.start();
  const app = buildServer(switchyard);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    switchyard,
    url: `http://${host}:${port}`,
    close() {
      closing ??= (async () => {
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
        await switchyard.close();
      })();
      return closing;
    },
  };
}
