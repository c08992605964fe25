import type { ServerResponse } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { write } from './relay-chat-stream.ts';

/**
 * The pass-through relay: the provider's SSE bytes go to the client exactly as they came, chunk by
 * chunk, while a copy is parsed so the gateway can read what it needs (usage) from the events.
 */
export async function relayRawStream(options: {
  response: ServerResponse;
  body: AsyncIterable<Uint8Array | string>;
  onEvent: (event: EventSourceMessage) => void;
}): Promise<'completed' | 'client_aborted' | 'failed'> {
  const parser = createParser({ onEvent: options.onEvent });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of options.body) {
      if (!(await write(options.response, chunk))) {
        return 'client_aborted';
      }
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    }
  } catch {
    if (options.response.destroyed) return 'client_aborted';
    options.response.destroy();
    return 'failed';
  }
  options.response.end();
  return 'completed';
}
