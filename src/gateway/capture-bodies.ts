import type { ServerResponse } from 'node:http';
import type { RequestBodies } from '../metering/track-request.ts';
import type { RequestLogging, UsageRecord } from '../store/store.ts';
import type { WholeAnswer } from './client-connection.ts';

/** The most of each body the request log keeps, in characters: bounds the memory and the row. */
export const MAX_LOGGED_BODY_CHARACTERS = 64 * 1024;
const TRUNCATED = `\n[truncated by the gateway at ${MAX_LOGGED_BODY_CHARACTERS} characters]`;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The prompt and the answer of one request of an organization that keeps bodies (its request
 * logging): the body as the client sent it, and the answer as the client got it — the JSON, or
 * the stream's bytes as written. Each is capped. Only such organizations' requests build one; the
 * others pay nothing. The usage record waits for the answer to be complete (`end`), then is
 * written once with both bodies and their expiry.
 */
export class BodyCapture implements RequestBodies {
  private readonly request: string;
  private response = '';
  private truncated = false;
  private ended = false;
  private pending: { record: UsageRecord; write: () => void } | undefined;

  constructor(
    body: unknown,
    private readonly logging: RequestLogging,
  ) {
    this.request = cap(typeof body === 'string' ? body : JSON.stringify(body) ?? '');
  }

  /** Copies what is written to the stream's response into the answer body, as it is written. */
  tap(response: ServerResponse): ServerResponse {
    const write = response.write.bind(response) as (...args: unknown[]) => boolean;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.write = ((chunk: unknown, ...rest: unknown[]) => {
      this.append(chunk);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    response.end = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') this.append(chunk);
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
    return response;
  }

  /** The request is over: a whole answer (none when it was streamed or failed) completes the answer body, and the record is written. */
  end(answer?: WholeAnswer): void {
    if (this.ended) return;
    if (answer) this.append(typeof answer.body === 'string' || answer.body instanceof Uint8Array ? answer.body : JSON.stringify(answer.body));
    this.ended = true;
    this.flush();
  }

  attach(record: UsageRecord, write: () => void): void {
    this.pending = { record, write };
    if (this.ended) this.flush();
  }

  private flush(): void {
    if (!this.pending) return;
    const { record, write } = this.pending;
    this.pending = undefined;
    record.requestBody = this.request;
    record.responseBody = this.truncated ? this.response + TRUNCATED : this.response;
    record.bodiesExpireAt = record.createdAt + this.logging.retentionDays * DAY_MS;
    write();
  }

  private append(chunk: unknown): void {
    if (this.truncated || chunk === undefined || chunk === null) return;
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8') : '';
    const room = MAX_LOGGED_BODY_CHARACTERS - this.response.length;
    if (text.length <= room) {
      this.response += text;
      return;
    }
    this.response += text.slice(0, room);
    this.truncated = true;
  }
}

function cap(text: string): string {
  return text.length <= MAX_LOGGED_BODY_CHARACTERS ? text : text.slice(0, MAX_LOGGED_BODY_CHARACTERS) + TRUNCATED;
}
