import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export interface UndiciWatch {
  /** Connections the process's undici clients tried to open to `port`. */
  connectAttempts(port: number): number;
  /** Of those, the ones refused (ECONNREFUSED). */
  refusedConnections(port: number): number;
  /** Requests to `port` that have started and neither completed nor failed yet. */
  openRequests(port: number): number;
  /** Stops watching. */
  close(): void;
}

interface ConnectMessage {
  connectParams: { port?: string | number };
  error?: { code?: string };
}

interface RequestMessage {
  request: { origin?: string | URL };
}

/**
 * What the process's undici clients (the gateway's upstream pool among them) do, read from undici's
 * diagnostics channels: connection attempts, which nothing on the far side can count when they are
 * refused, and requests still open, which a leaked response body would keep open for ever.
 * @see https://github.com/nodejs/undici/blob/main/docs/docs/api/DiagnosticsChannel.md
 */
export function watchUndici(): UndiciWatch {
  const attempts = new Map<number, number>();
  const refused = new Map<number, number>();
  const open = new Map<object, number>();
  const add = (counts: Map<number, number>, port: number) => counts.set(port, (counts.get(port) ?? 0) + 1);
  const portOf = (origin: string | URL | undefined) => (origin === undefined ? 0 : Number(new URL(String(origin)).port));
  const handlers: [string, (message: unknown) => void][] = [
    ['undici:client:beforeConnect', (message) => add(attempts, Number((message as ConnectMessage).connectParams.port))],
    [
      'undici:client:connectError',
      (message) => {
        const { connectParams, error } = message as ConnectMessage;
        if (error?.code === 'ECONNREFUSED') add(refused, Number(connectParams.port));
      },
    ],
    ['undici:request:create', (message) => open.set((message as RequestMessage).request, portOf((message as RequestMessage).request.origin))],
    ['undici:request:trailers', (message) => open.delete((message as RequestMessage).request)],
    ['undici:request:error', (message) => open.delete((message as RequestMessage).request)],
  ];
  for (const [channel, handler] of handlers) subscribe(channel, handler);
  return {
    connectAttempts: (port) => attempts.get(port) ?? 0,
    refusedConnections: (port) => refused.get(port) ?? 0,
    openRequests: (port) => [...open.values()].filter((candidate) => candidate === port).length,
    close() {
      for (const [channel, handler] of handlers) unsubscribe(channel, handler);
    },
  };
}
