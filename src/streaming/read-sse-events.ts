import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Parses a byte stream of Server-Sent Events into events as they arrive, with a real SSE parser
 * (CRLF/LF/CR line endings, multi-line data, comments) rather than regexes on raw text.
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift()!;
  }
  parser.feed(decoder.decode());
  // A final event without its blank line still counts: some providers close right after the last data line.
  parser.feed('\n\n');
  while (pending.length > 0) yield pending.shift()!;
}
