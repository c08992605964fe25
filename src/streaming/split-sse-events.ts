const LF = 10;
const CR = 13;

/**
 * Cuts SSE text at event boundaries — a blank line, with any of the spec's line endings (CRLF,
 * LF, CR) — into whole events, each with the blank line that ends it, and the rest, which waits
 * for more text. A CR at the very end stays in the rest: it may be half of a CRLF.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function splitSseEvents(text: string): { events: string[]; rest: string } {
  const events: string[] = [];
  let eventStart = 0;
  let lineStart = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code !== LF && code !== CR) {
      index += 1;
      continue;
    }
    if (code === CR && index + 1 === text.length) break;
    const lineEnd = index;
    index += code === CR && text.charCodeAt(index + 1) === LF ? 2 : 1;
    if (lineEnd === lineStart) {
      events.push(text.slice(eventStart, index));
      eventStart = index;
    }
    lineStart = index;
  }
  return { events, rest: text.slice(eventStart) };
}
