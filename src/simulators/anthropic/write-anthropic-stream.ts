import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { StreamOutcome } from '../write-simulated-stream.ts';
import type { AnthropicStreamFrame } from './render-anthropic-stream.ts';

export interface WriteAnthropicStreamOptions {
  response: ServerResponse;
  headers: Record<string, string>;
  frames: AnthropicStreamFrame[];
  chunkDelayMs: number;
  /** Stop after this many events: drop the connection, or send an `error` event and end. */
  streamBreak?: { afterChunks: number; breakMode: 'disconnect' | 'error-event'; errorEvent: AnthropicStreamFrame };
  clientClosed: AbortSignal;
  onBreak?: () => void;
}

/**
 * Writes a Messages stream with its `event:` lines (the shared writer frames `data:` lines only),
 * with the delays and breaks a fault asks for.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export async function writeAnthropicStream(options: WriteAnthropicStreamOptions): Promise<StreamOutcome> {
  const { response, frames, streamBreak, clientClosed } = options;
  response.writeHead(200, { ...options.headers, 'cache-control': 'no-cache', connection: 'keep-alive' });
  response.flushHeaders();

  for (const [index, frame] of frames.entries()) {
    if (clientClosed.aborted) return 'client-closed';
    if (streamBreak && index === streamBreak.afterChunks) {
      options.onBreak?.();
      if (streamBreak.breakMode === 'error-event') {
        await write(response, encode(streamBreak.errorEvent));
        response.end();
      } else {
        response.destroy();
      }
      return 'broken';
    }
    await write(response, encode(frame));
    if (options.chunkDelayMs > 0 && index < frames.length - 1) {
      try {
        await delay(options.chunkDelayMs, undefined, { signal: clientClosed });
      } catch {
        return 'client-closed';
      }
    }
  }
  if (clientClosed.aborted) return 'client-closed';
  response.end();
  return 'completed';
}

function encode(frame: AnthropicStreamFrame): string {
  return `event: ${frame.event}\ndata: ${frame.data}\n\n`;
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
