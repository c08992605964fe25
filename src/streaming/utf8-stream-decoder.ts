import { StringDecoder } from 'node:string_decoder';

/**
 * Text from a byte stream read in pieces: a character split across two reads is held until it is
 * whole, a leading byte order mark is dropped (as `TextDecoder` and the SSE spec do). Node's
 * `StringDecoder`, not `TextDecoder`: on Node 20, `TextDecoder.decode(…, { stream: true })` takes a
 * slow path (about 10× slower on a 10 KB read), and every stream event passes through here.
 */
export class Utf8StreamDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private started = false;

  /** The text of the next piece (a string passes as it is). */
  write(chunk: Uint8Array | string): string {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    if (this.started || text === '') return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  /** What is left at the end: a character cut off by the end of the stream, as U+FFFD. */
  end(): string {
    return this.write(this.decoder.end());
  }
}
