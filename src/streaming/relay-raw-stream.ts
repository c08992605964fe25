import type { ServerResponse } from 'node:http';
import { Utf8StreamDecoder } from './utf8-stream-decoder.ts';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { endStream, write } from './relay-chat-stream.ts';
import { EventTooLargeError } from './read-sse-events.ts';
import { splitSseEvents } from './split-sse-events.ts';

/** Rewrites the few events the gateway must change (the final usage event gets its `cost`); every other event passes as it came. */
export interface RawStreamRewrite {
  /** The new SSE text for `event`, or undefined to pass it unchanged. Called after `onEvent` saw it. */
  (event: EventSourceMessage): string | undefined;
}

/**
 * The pass-through relay: the provider's SSE bytes go to the client as they came, while a copy is
 * parsed so the gateway can read what it needs (usage) from the events. With `rewrite`, the text is
 * cut at event boundaries so one event can be replaced whole; the others are still relayed
 * unchanged, each as soon as it is complete.
 */
export async function relayRawStream(options: {
  response: ServerResponse;
  body: AsyncIterable<Uint8Array | string>;
  onEvent: (event: EventSourceMessage) => void;
  rewrite?: RawStreamRewrite;
  /**
   * The SSE text that ends a stream the provider broke off, in the client's surface (an `error`
   * event), written before a clean close. Only whole events were relayed before it when `rewrite`
   * is set; without it (or without this), the connection is cut.
   */
  failureEvent?: () => string;
  /** The largest event the relay holds while waiting for its end; a provider that never ends one fails the stream. */
  maxEventBytes?: number;
}): Promise<'completed' | 'client_aborted' | 'failed'> {
  const maxEventBytes = options.maxEventBytes ?? Number.POSITIVE_INFINITY;
  let lastEvent: EventSourceMessage | undefined;
  const parser = createParser({
    onEvent: (event) => {
      lastEvent = event;
      options.onEvent(event);
    },
  });
  const decoder = new Utf8StreamDecoder();
  let pending = '';
  try {
    for await (const chunk of options.body) {
      const text = decoder.write(chunk);
      if (!options.rewrite) {
        if (!(await write(options.response, chunk))) return 'client_aborted';
        parser.feed(text);
        continue;
      }
      const { events, rest } = splitSseEvents(pending + text);
      pending = rest;
      if (pending.length > maxEventBytes) throw new EventTooLargeError(maxEventBytes);
      let out = '';
      for (const block of events) {
        lastEvent = undefined;
        parser.feed(block);
        out += (lastEvent && options.rewrite(lastEvent)) ?? block;
      }
      if (!(await write(options.response, out))) return 'client_aborted';
    }
    if (options.rewrite) pending += decoder.end();
    if (pending !== '') {
      parser.feed(pending);
      if (!(await write(options.response, pending))) return 'client_aborted';
    }
  } catch {
    if (options.response.destroyed) return 'client_aborted';
    if (options.rewrite && options.failureEvent) {
      await write(options.response, options.failureEvent());
      endStream(options.response);
    } else {
      options.response.destroy();
    }
    return 'failed';
  }
  endStream(options.response);
  return 'completed';
}
