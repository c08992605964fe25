import { Transform, type Readable } from 'node:stream';
import { Utf8StreamDecoder } from './utf8-stream-decoder.ts';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * A provider's event stream relayed as its own bytes, chunk by chunk, while each event is read on
 * the way (`onEvent`): what a pass-through needs to learn from a stream — its usage, in its last
 * event — without holding or rewriting it. An event's data is read only as far as `onEvent` goes.
 */
export function watchSseEvents(body: Readable, onEvent: (event: EventSourceMessage) => void): Readable {
  const parser = createParser({ onEvent });
  const decoder = new Utf8StreamDecoder();
  const watched = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      parser.feed(decoder.write(chunk));
      done(null, chunk);
    },
  });
  // The provider's body ends with the relay: a client that leaves destroys both.
  body.on('error', (error) => watched.destroy(error));
  watched.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  return body.pipe(watched);
}
