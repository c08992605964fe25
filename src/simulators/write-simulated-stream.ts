import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { encodeServerSentEvent } from './encode-server-sent-event.ts';
import type { RenderedHeaders, RenderedStream } from './simulator-profile.ts';

export interface StreamBreak {
  /** Stop after this many data events. */
  afterChunks: number;
  /** Drop the connection, or send the provider's error event and end the stream without its terminator. */
  breakMode: 'disconnect' | 'error-event';
  errorEvent: string;
}

export interface WriteSimulatedStreamOptions {
  response: ServerResponse;
  headers: RenderedHeaders;
  stream: RenderedStream;
  chunkDelayMs: number;
  streamBreak?: StreamBreak;
  /** Aborted when the client closes the connection; the stream stops at once. */
  clientClosed: AbortSignal;
  /** Called just before a fault breaks the stream, so the break is not mistaken for a client abort. */
  onBreak?: () => void;
}

export type StreamOutcome = 'completed' | 'broken' | 'client-closed';

/** Writes a rendered stream as SSE, with the delays and breaks a fault asks for. */
export async function writeSimulatedStream(options: WriteSimulatedStreamOptions): Promise<StreamOutcome> {
  const { response, stream, streamBreak, clientClosed } = options;
  response.writeHead(200, { ...options.headers, 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.flushHeaders();

  for (const [index, event] of stream.events.entries()) {
    if (clientClosed.aborted) return 'client-closed';
    if (streamBreak && index === streamBreak.afterChunks) {
      options.onBreak?.();
      if (streamBreak.breakMode === 'error-event') {
        await write(response, encodeServerSentEvent(streamBreak.errorEvent, stream.lineEnding));
        response.end();
      } else {
        response.destroy();
      }
      return 'broken';
    }
    await write(response, encodeServerSentEvent(event, stream.lineEnding));
    if (options.chunkDelayMs > 0 && index < stream.events.length - 1) {
      try {
        await delay(options.chunkDelayMs, undefined, { signal: clientClosed });
      } catch {
        return 'client-closed';
      }
    }
  }
  if (clientClosed.aborted) return 'client-closed';
  if (stream.terminator !== null) await write(response, encodeServerSentEvent(stream.terminator, stream.lineEnding));
  response.end();
  return 'completed';
}

function write(response: ServerResponse, text: string): Promise<void> {
  if (response.destroyed) return Promise.resolve();
  if (response.write(text)) return Promise.resolve();
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
