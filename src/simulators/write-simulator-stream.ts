import type { ServerResponse } from 'node:http';
import { setTimeout as delay, setImmediate } from 'node:timers/promises';
import { encodeServerSentEvent, type ServerSentEvent } from './encode-server-sent-event.ts';
import type { Exchange } from './simulator-context.ts';
import type { SimulatorFault } from './simulator-fault.ts';
import type { RenderedHeaders } from './simulator-profile.ts';

export interface WriteSimulatorStreamOptions {
  headers: RenderedHeaders;
  events: readonly ServerSentEvent[];
  /** LF unless the provider frames its streams with CRLF (Perplexity, Google). */
  lineEnding?: '\n' | '\r\n';
  /** Sent after the last event where the provider closes its streams so (`data: [DONE]`); never after a break. */
  terminator?: ServerSentEvent | null;
  /** The request's scripted fault, if any: `chunkDelayMs` spaces the events, `afterChunks` and `breakMode` cut the stream. */
  fault?: SimulatorFault;
  /** The events the stream ends with when a fault cuts it before event `index` with `breakMode: 'error-event'`. */
  errorEvents(index: number): ServerSentEvent[];
}

/**
 * Writes a simulated answer as Server-Sent Events, named or not, with the delays and breaks a fault
 * asks for: after `afterChunks` events it drops the connection (`disconnect`) or sends the
 * provider's error events and ends without the terminator (`error-event`). It waits for `drain`
 * when the client reads slowly, and stops at once when the client goes away.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function writeSimulatorStream(exchange: Exchange, options: WriteSimulatorStreamOptions): Promise<void> {
  const { response, clientClosed } = exchange;
  const { events, fault, lineEnding = '\n' } = options;
  const chunkDelayMs = fault?.chunkDelayMs ?? 0;
  const breaks = fault?.afterChunks !== undefined || fault?.breakMode !== undefined;
  const breakIndex = breaks ? (fault?.afterChunks ?? 0) : undefined;
  const send = (event: ServerSentEvent): Promise<void> => write(response, encodeServerSentEvent(event, lineEnding));

  exchange.record.status = 200;
  response.writeHead(200, { ...options.headers, 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.flushHeaders();

  for (const [index, event] of events.entries()) {
    if (clientClosed.aborted) return;
    if (index === breakIndex) {
      exchange.markBroken();
      if (fault?.breakMode === 'error-event') {
        for (const errorEvent of options.errorEvents(index)) await send(errorEvent);
        response.end();
      } else {
        // Let the events written so far leave first: written in this tick they are still corked.
        await setImmediate();
        response.destroy();
      }
      exchange.settle();
      return;
    }
    await send(event);
    if (chunkDelayMs > 0 && index < events.length - 1) {
      try {
        await delay(chunkDelayMs, undefined, { signal: clientClosed });
      } catch {
        return;
      }
    }
  }
  if (clientClosed.aborted) return;
  if (options.terminator) await send(options.terminator);
  response.end();
}

/** Writes, then waits for `drain` (or the connection's end) when the socket's buffer is full. */
function write(response: ServerResponse, text: string): Promise<void> {
  if (response.destroyed || response.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
