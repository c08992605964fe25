import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * `healthy`: bytes flow both ways. `refusing`: nothing listens (new connections are refused), and a
 * request arriving on a connection opened before is reset, as when the server's process is gone.
 * `resetting`: connections are accepted, and each request arriving is reset (RST) before any byte
 * of an answer. `failing`: each request arriving is answered `500` and its connection closed.
 * Answers already flowing are never cut: every failure the proxy makes happens before the first
 * byte of an answer, the part a gateway can still retry.
 */
export type ProxyPhase = 'healthy' | 'refusing' | 'resetting' | 'failing';

export interface FlappingProxy {
  port: number;
  readonly phase: ProxyPhase;
  setPhase(phase: ProxyPhase): Promise<void>;
  /** Cycles through `phases`, `periodMs` each, until the returned function is called (which restores `healthy`). */
  flap(phases: readonly ProxyPhase[], periodMs: number): () => Promise<void>;
  /** Requests the proxy reset or answered itself instead of passing on. */
  turnedAway(): number;
  /** How many times each phase was entered. */
  phasesEntered(): Record<ProxyPhase, number>;
  /** Client connections open through the proxy now, and the most there were at once. */
  openConnections(): number;
  peakConnections(): number;
  close(): Promise<void>;
}

/** What a failing server answers: OpenAI's wording for its 500s. */
const SERVER_ERROR_BODY = JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } });
const SERVER_ERROR = `HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(SERVER_ERROR_BODY)}\r\nconnection: close\r\n\r\n${SERVER_ERROR_BODY}`;

/**
 * A TCP proxy in front of an HTTP server that flaps between healthy and the ways a server goes
 * down (refusing, resetting, answering 500s). It reads no HTTP: a burst of bytes from the client
 * while the proxy is unhealthy is taken for a request (HTTP/1.1 without pipelining sends one at a
 * time), and turned away.
 */
export async function startFlappingProxy(target: { host: string; port: number }): Promise<FlappingProxy> {
  let phase: ProxyPhase = 'healthy';
  let turnedAway = 0;
  let peak = 0;
  const entered: Record<ProxyPhase, number> = { healthy: 1, refusing: 0, resetting: 0, failing: 0 };
  const connections = new Set<Socket>();

  const accept = (client: Socket): void => {
    connections.add(client);
    peak = Math.max(peak, connections.size);
    let upstream: Socket | undefined;
    const end = (): void => {
      connections.delete(client);
      client.destroy();
      upstream?.destroy();
    };
    client.on('close', end).on('error', end);
    client.on('data', (data) => {
      if (phase === 'healthy') {
        if (!upstream) {
          upstream = connect(target.port, target.host);
          upstream.on('data', (answer) => client.destroyed || client.write(answer));
          upstream.on('close', end).on('error', end);
        }
        upstream.write(data);
        return;
      }
      turnedAway += 1;
      upstream?.destroy();
      if (phase === 'failing') client.end(SERVER_ERROR);
      else client.resetAndDestroy();
    });
  };

  let server: Server | undefined;
  const listen = async (port: number): Promise<number> => {
    const listening = createServer(accept);
    await new Promise<void>((resolve, reject) => listening.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    server = listening;
    return (listening.address() as { port: number }).port;
  };
  const stopListening = (): void => {
    // Only the listener closes: the connections it accepted stay, as the phase decides their fate.
    server?.close();
    server = undefined;
  };
  const port = await listen(0);

  const proxy: FlappingProxy = {
    port,
    get phase() {
      return phase;
    },
    async setPhase(next) {
      if (next === phase) return;
      if (next === 'refusing') stopListening();
      else if (!server) await listen(port);
      phase = next;
      entered[next] += 1;
    },
    flap(phases, periodMs) {
      let index = 0;
      let changing: Promise<void> = Promise.resolve();
      const timer = setInterval(() => {
        index = (index + 1) % phases.length;
        changing = changing.then(() => proxy.setPhase(phases[index]!));
      }, periodMs);
      changing = proxy.setPhase(phases[0]!);
      return async () => {
        clearInterval(timer);
        await changing;
        await proxy.setPhase('healthy');
      };
    },
    turnedAway: () => turnedAway,
    phasesEntered: () => ({ ...entered }),
    openConnections: () => connections.size,
    peakConnections: () => peak,
    async close() {
      stopListening();
      for (const connection of connections) connection.destroy();
    },
  };
  return proxy;
}
