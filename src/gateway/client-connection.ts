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

/**
 * The pipeline's connection of one request: the edge's, with the request's signal, and its stream
 * tapped when its organization keeps bodies. A class, as every per-request object with getters
 * (server/serve-through-pipeline.ts says why).
 */
export class RequestConnection implements ClientConnection {
  constructor(
    readonly signal: AbortSignal,
    private readonly edge: EdgeConnection,
    private readonly bodies?: { tap(response: ServerResponse): ServerResponse },
  ) {}

  get headersSent(): boolean {
    return this.edge.headersSent;
  }

  setHeader(name: string, value: string): void {
    this.edge.setHeader(name, value);
  }

  openStream(headers?: Record<string, string>): ServerResponse {
    const response = this.edge.openStream(headers);
    return this.bodies ? this.bodies.tap(response) : response;
  }
}

/** The edge of a request whose "client" is a signal (a background run: its cancel): nothing to send headers to, never streamed. */
export class DetachedEdge implements EdgeConnection {
  readonly headersSent = false;

  constructor(private readonly signal: AbortSignal) {}

  get gone(): boolean {
    return this.signal.aborted;
  }

  whenGone(listener: (reason?: unknown) => void): () => void {
    const onAbort = () => listener(this.signal.reason);
    this.signal.addEventListener('abort', onAbort, { once: true });
    return () => this.signal.removeEventListener('abort', onAbort);
  }

  setHeader(): void {}

  openStream(): ServerResponse {
    throw new Error('a detached run is never streamed');
  }
}
