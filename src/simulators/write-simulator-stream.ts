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
  /**
   * The request's scripted fault, if any: `chunkDelayMs` spaces the events, `stallAfterChunks` pauses
   * once, `afterChunks` and `breakMode` cut the stream, `malformed: 'sse'` slips in an event that is
   * not JSON, `oversizedBytes` sends one huge event first.
   */
  fault?: SimulatorFault;
  /** The events the stream ends with when a fault cuts it before event `index` with `breakMode: 'error-event'`. */
  errorEvents(index: number): ServerSentEvent[];
}

/** A data line that is not JSON: a chunk cut off in the middle, as a broken proxy or encoder leaves it. */
export const MALFORMED_EVENT_DATA = '{"id":"malformed","choices":[{"index":0,"delta":{"content":"cut off';

/** The start and end of the valid JSON document an `oversizedBytes` fault pads out to its size. */
export const OVERSIZED_DOCUMENT = { prefix: '{"object":"simulator.oversized","padding":"', suffix: '"}' } as const;

/** What the padding is written from: 64 KiB, reused, so an answer of any size never sits in memory whole. */
const PADDING = Buffer.alloc(64 * 1024, 'x');

/**
 * Writes a simulated answer as Server-Sent Events, named or not, with the delays and breaks a fault
 * asks for: after `afterChunks` events it drops the connection (`disconnect`) or sends the
 * provider's error events and ends without the terminator (`error-event`); with `malformed: 'sse'`
 * it sends a `data:` line that is not JSON there instead, and goes on. It waits for `drain`
 * when the client reads slowly, and stops at once when the client goes away.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function writeSimulatorStream(exchange: Exchange, options: WriteSimulatorStreamOptions): Promise<void> {
  const { response, clientClosed } = exchange;
  const { events, fault, lineEnding = '\n' } = options;
  const chunkDelayMs = fault?.chunkDelayMs ?? 0;
  const malformedIndex = fault?.malformed === 'sse' ? (fault.afterChunks ?? 0) : undefined;
  const breaks = malformedIndex === undefined && (fault?.afterChunks !== undefined || fault?.breakMode !== undefined);
  const breakIndex = breaks ? (fault?.afterChunks ?? 0) : undefined;
  const stall = fault?.stallAfterChunks;
  const send = (event: ServerSentEvent): Promise<void> => write(response, encodeServerSentEvent(event, lineEnding));
  const pause = async (ms: number): Promise<boolean> => {
    try {
      await delay(ms, undefined, { signal: clientClosed });
      return true;
    } catch {
      return false;
    }
  };

  exchange.record.status = 200;
  response.writeHead(200, { ...options.headers, 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.flushHeaders();

  if (fault?.oversizedBytes !== undefined) {
    // One event of exactly `oversizedBytes`: `data: {…padding…}` and its blank line.
    const framing = `data: ${OVERSIZED_DOCUMENT.prefix}`;
    await writePadded(response, fault.oversizedBytes, framing, `${OVERSIZED_DOCUMENT.suffix}${lineEnding}${lineEnding}`);
  }

  for (const [index, event] of events.entries()) {
    if (clientClosed.aborted) return;
    if (index === stall?.chunks && !(await pause(stall.ms))) return;
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
    // Named events keep their name: only the data is broken.
    if (index === malformedIndex) await send({ ...(event.event !== undefined && { event: event.event }), data: MALFORMED_EVENT_DATA });
    await send(event);
    if (chunkDelayMs > 0 && index < events.length - 1 && !(await pause(chunkDelayMs))) return;
  }
  if (clientClosed.aborted) return;
  if (stall && stall.chunks >= events.length && !(await pause(stall.ms))) return;
  if (malformedIndex !== undefined && malformedIndex >= events.length) await send({ data: MALFORMED_EVENT_DATA });
  if (options.terminator) await send(options.terminator);
  response.end();
}

/**
 * Writes `prefix`, padding, then `suffix`, `totalBytes` in all (never less than prefix and suffix),
 * a slice of one reused buffer at a time, as fast as the client reads; stops when it goes away.
 */
export async function writePadded(response: ServerResponse, totalBytes: number, prefix: string, suffix: string): Promise<void> {
  let remaining = totalBytes - Buffer.byteLength(prefix) - Buffer.byteLength(suffix);
  await write(response, prefix);
  while (remaining > 0 && !response.destroyed) {
    const size = Math.min(remaining, PADDING.length);
    await write(response, size === PADDING.length ? PADDING : PADDING.subarray(0, size));
    remaining -= size;
  }
  await write(response, suffix);
}

/** Writes, then waits for `drain` (or the connection's end) when the socket's buffer is full. */
function write(response: ServerResponse, data: string | Buffer): Promise<void> {
  if (response.destroyed || response.write(data)) return Promise.resolve();
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
