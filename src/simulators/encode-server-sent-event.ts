/**
 * Frames one Server-Sent Event. The line ending is a parameter because providers differ: OpenAI, xAI
 * and Fireworks end lines with LF, Perplexity's Python server with CRLF — both are valid SSE, and a
 * gateway's parser has to accept either.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 */
export function encodeServerSentEvent(data: string, lineEnding: '\n' | '\r\n' = '\n'): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}${lineEnding}`);
  return `${lines.join('')}${lineEnding}`;
}
