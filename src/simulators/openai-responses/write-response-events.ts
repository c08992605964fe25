import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { RenderedHeaders } from '../simulator-profile.ts';
import type { ResponseStreamEvent } from './render-response-events.ts';

export interface WriteResponseEventsOptions {
  response: ServerResponse;
  headers: RenderedHeaders;
  events: ResponseStreamEvent[];
  chunkDelayMs: number;
  /** A fault: stop after this many events, by dropping the connection or with OpenAI's failure events. */
  streamBreak?: { afterChunks: number; breakMode: 'disconnect' | 'error-event'; failureEvents: (sequenceNumber: number) => ResponseStreamEvent[] };
  clientClosed: AbortSignal;
  onBreak: () => void;
}

/**
 * Writes a Responses stream: each event framed with its name (`event: response.output_text.delta`)
 * and its JSON, and no `[DONE]` at the end — the stream ends after `response.completed`.
 */
export async function writeResponseEvents(options: WriteResponseEventsOptions): Promise<'completed' | 'broken' | 'client-closed'> {
  const { response, events, streamBreak, clientClosed } = options;
  response.writeHead(200, { ...options.headers, 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.flushHeaders();
  for (const [index, event] of events.entries()) {
    if (clientClosed.aborted) return 'client-closed';
    if (streamBreak && index === streamBreak.afterChunks) {
      options.onBreak();
      if (streamBreak.breakMode === 'disconnect') {
        response.destroy();
        return 'broken';
      }
      for (const failure of streamBreak.failureEvents(index)) await write(response, frame(failure));
      response.end();
      return 'broken';
    }
    await write(response, frame(event));
    if (options.chunkDelayMs > 0 && index < events.length - 1) {
      try {
        await delay(options.chunkDelayMs, undefined, { signal: clientClosed });
      } catch {
        return 'client-closed';
      }
    }
  }
  response.end();
  return 'completed';
}

function frame(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

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
