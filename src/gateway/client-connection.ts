import type { ServerResponse } from 'node:http';

/**
 * The client's side of one request, as the pipeline sees it: the HTTP edge implements it
 * (server/serve-through-pipeline.ts) and keeps Fastify to itself.
 */
export interface ClientConnection {
  /** Aborted when the client leaves before its answer is complete: cancels the provider call. */
  readonly signal: AbortSignal;
  setHeader(name: string, value: string): void;
  readonly headersSent: boolean;
  /** Commits a 200 event-stream head (the headers set so far, and `headers`) and hands over the response to write the stream to. */
  openStream(headers?: Record<string, string>): ServerResponse;
}

/** A whole answer, for the edge to send; a streamed answer has been written already and has none. */
export interface WholeAnswer {
  status: number;
  /** An object is sent as JSON; a string as it is, with `contentType`. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}
