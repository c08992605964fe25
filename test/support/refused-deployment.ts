import { createServer } from 'node:net';
import { watchUndici } from './watch-undici.ts';

export interface RefusedDeployment {
  /** A base URL on 127.0.0.1 where nothing listens: every connection is refused (ECONNREFUSED). */
  baseUrl: string;
  port: number;
  /** Connections the process's undici clients (the gateway's upstream pool) tried to open to it. */
  attempts(): number;
  /** Of those, the ones refused. */
  refused(): number;
  /** Stops counting. */
  close(): void;
}

/**
 * A deployment that is down: a port just released, so connecting to it is refused. A refused
 * connection never reaches a server that could count it, so the attempts are counted where the
 * gateway makes them, on undici's diagnostics channels (`watch-undici.ts`).
 */
export async function startRefusedDeployment(path = '/v1'): Promise<RefusedDeployment> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  const watch = watchUndici();
  return {
    baseUrl: `http://127.0.0.1:${port}${path}`,
    port,
    attempts: () => watch.connectAttempts(port),
    refused: () => watch.refusedConnections(port),
    close: () => watch.close(),
  };
}
