import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Parses a byte stream of Server-Sent Events into events as they arrive, with a real SSE parser
 * (CRLF/LF/CR line endings, multi-line data, comments) rather than regexes on raw text.
 */
export async function* readSseEvents(
  body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: { maxEventBytes?: number } = {},
): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  const maxEventBytes = options.maxEventBytes ?? Number.POSITIVE_INFINITY;
  /** Bytes fed since the last event was complete: what the parser holds. */
  let held = 0;
  for await (const chunk of body) {
    held += chunk.length;
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (pending.length > 0) held = 0;
    // A stream that never ends its event would grow the parser's buffer without bound.
    if (held > maxEventBytes) throw new EventTooLargeError(maxEventBytes);
    while (pending.length > 0) yield pending.shift()!;
  }
  parser.feed(decoder.decode());
  // A final event without its blank line still counts: some providers close right after the last data line.
  parser.feed('\n\n');
  while (pending.length > 0) yield pending.shift()!;
}

/** A stream event larger than the gateway reads from a provider. */
export class EventTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`a stream event is larger than the gateway's limit of ${limitBytes} bytes`);
    this.name = 'EventTooLargeError';
  }
}
