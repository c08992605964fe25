import { connect, createServer, type Server, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'reset' | 'blackhole' | 'slow';

export interface FaultProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /**
   * `pass`: bytes flow both ways. `reset`: every open connection is reset (RST) now; new ones
   * are accepted. `blackhole`: connections stay open and every byte either way is dropped, new
   * ones included, until the mode changes (then only new connections carry traffic). `slow`:
   * every chunk either way is delivered `delayMs` late, in order (a congested or distant link).
   */
  setMode(mode: FaultMode, delayMs?: number): void;
  close(): Promise<void>;
}

/** Delivers chunks to `socket` `delayMs()` late, never out of order. */
function delayedWriter(socket: Socket, delayMs: () => number): (data: Buffer) => void {
  let lastDueAt = 0;
  return (data) => {
    const delay = delayMs();
    if (delay === 0 && lastDueAt <= Date.now()) {
      socket.write(data);
      return;
    }
    lastDueAt = Math.max(Date.now() + delay, lastDueAt);
    setTimeout(() => socket.destroyed || socket.write(data), lastDueAt - Date.now());
  };
}

/** A TCP proxy to `target` that can reset, blackhole or slow the connections through it: a dependency failing as networks fail. */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let mode: FaultMode = 'pass';
  let delayMs = 0;
  const currentDelay = () => (mode === 'slow' ? delayMs : 0);
  const pairs = new Set<{ client: Socket; upstream: Socket; dropping: boolean }>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, dropping: mode === 'blackhole' };
    pairs.add(pair);
    const toUpstream = delayedWriter(upstream, currentDelay);
    const toClient = delayedWriter(client, currentDelay);
    client.on('data', (data) => pair.dropping || toUpstream(data));
    upstream.on('data', (data) => pair.dropping || toClient(data));
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    setMode(next, delay = 0) {
      mode = next;
      delayMs = delay;
      for (const pair of pairs) {
        if (next === 'reset') {
          pair.client.resetAndDestroy();
          pair.upstream.resetAndDestroy();
        } else if (next === 'blackhole') {
          pair.dropping = true;
        }
      }
      if (next === 'reset') mode = 'pass';
    },
    async close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
