import type { ServerResponse } from 'node:http';

/**
 * The client's side of one request, as the HTTP edge hands it to the pipeline
 * (server/serve-through-pipeline.ts, which keeps Fastify to itself). No AbortSignal of its own:
 * one costs about 5 µs to make, and the pipeline makes the request's signal anyway
 * (`ClientConnection`), aborted by this connection's `whenGone`.
 */
export interface EdgeConnection {
  /** Whether the client left before its answer was complete. */
  readonly gone: boolean;
  /** Calls `listener` once when the client leaves before its answer is complete (with why, when known); returns what stops listening. */
  whenGone(listener: (reason?: unknown) => void): () => void;
  setHeader(name: string, value: string): void;
  readonly headersSent: boolean;
  /** Commits a 200 event-stream head (the headers set so far, and `headers`) and hands over the response to write the stream to. */
  openStream(headers?: Record<string, string>): ServerResponse;
}

/** The client's side of one request as the pipeline's phases see it: the edge's, with the request's signal. */
export interface ClientConnection extends Omit<EdgeConnection, 'gone' | 'whenGone'> {
  /** Aborted when the client leaves before its answer is complete, at the request's deadline, or by a shutdown: cancels the provider call. */
  readonly signal: AbortSignal;
}

/** A whole answer, for the edge to send; a streamed answer has been written already and has none. */
export interface WholeAnswer {
  status: number;
  /** An object is sent as JSON; a string as it is, with `contentType`. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The edge of a request whose "client" is a signal (a background run: its cancel). */
export function edgeOfSignal(signal: AbortSignal, rest: Omit<EdgeConnection, 'gone' | 'whenGone'>): EdgeConnection {
  return {
    ...rest,
    get gone() {
      return signal.aborted;
    },
    whenGone(listener) {
      const onAbort = () => listener(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      return () => signal.removeEventListener('abort', onAbort);
    },
  };
}
