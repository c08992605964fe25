/** Encodes one Server-Sent Event. Multi-line data becomes several `data:` lines, as the SSE spec requires. */
export function formatSseEvent(data: string, event?: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  return event ? `event: ${event}\n${lines}\n` : `${lines}\n`;
}
