import { Utf8StreamDecoder } from './utf8-stream-decoder.ts';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Parses a byte stream of Server-Sent Events into events as they arrive, with a real SSE parser
 * (CRLF/LF/CR line endings, multi-line data, comments) rather than regexes on raw text.
 */
export async function* readSseEvents(
  body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: { maxEventBytes?: number } = {},
): AsyncGenerator<EventSourceMessage> {
  for await (const batch of readSseEventBatches(body, options)) yield* batch;
}

/**
 * The events of a byte stream of Server-Sent Events, as `readSseEvents` reads them, a batch for
 * each read of the body: what one network read brought (a relay's hot path pays the async
 * iteration once per read, not once per event). No batch is empty.
 */
export async function* readSseEventBatches(
  body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: { maxEventBytes?: number } = {},
): AsyncGenerator<EventSourceMessage[]> {
  let pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new Utf8StreamDecoder();
  const maxEventBytes = options.maxEventBytes ?? Number.POSITIVE_INFINITY;
  /** Bytes fed since the last event was complete: what the parser holds. */
  let held = 0;
  const take = () => {
    const batch = pending;
    pending = [];
    return batch;
  };
  for await (const chunk of body) {
    held += chunk.length;
    parser.feed(decoder.write(chunk));
    if (pending.length > 0) held = 0;
    // A stream that never ends its event would grow the parser's buffer without bound.
    if (held > maxEventBytes) throw new EventTooLargeError(maxEventBytes);
    if (pending.length > 0) yield take();
  }
  parser.feed(decoder.end());
  // A final event without its blank line still counts: some providers close right after the last data line.
  parser.feed('\n\n');
  if (pending.length > 0) yield take();
}

/** A stream event larger than the gateway reads from a provider. */
export class EventTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`a stream event is larger than the gateway's limit of ${limitBytes} bytes`);
    this.name = 'EventTooLargeError';
  }
}
