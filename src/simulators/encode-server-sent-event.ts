/** One Server-Sent Event: its `event:` name where the provider names its events, and its data. */
export interface ServerSentEvent {
  /** Anthropic and OpenAI's Responses API name each event (`event: message_start`); the others send `data:` lines only. */
  event?: string;
  data: string;
}

/**
 * Frames one Server-Sent Event. The line ending is a parameter because providers differ: OpenAI, xAI
 * and Fireworks end lines with LF, Perplexity's Python server and Google with CRLF — both are valid
 * SSE, and a gateway's parser has to accept either.
 * @see https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream
 */
export function encodeServerSentEvent(event: ServerSentEvent, lineEnding: '\n' | '\r\n' = '\n'): string {
  const name = event.event === undefined ? '' : `event: ${event.event}${lineEnding}`;
  const lines = event.data.split(/\r\n|\r|\n/).map((line) => `data: ${line}${lineEnding}`);
  return `${name}${lines.join('')}${lineEnding}`;
}
