import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { EdgeConnection, WholeAnswer } from '../gateway/client-connection.ts';

/** What every event stream's head says, after the headers set so far. */
const EVENT_STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' };

/**
 * An EdgeConnection over Fastify's reply: gone when the client's connection closes before its
 * answer is complete, headers set on the reply, a stream taken over from Fastify.
 *
 * A class, as every per-request object with getters must be (test/unit/no-literal-getters.test.ts):
 * as an object literal, its getters (new closures each request) made V8 keep it — and the reply,
 * request and body it reaches — through every young-generation collection until the next full
 * one. Measured at 1,000 req/s: ~10 KB promoted per request and scavenges of 5–7 ms (the paced
 * p99's tail); as a class, none of it survives and scavenges take about 1 ms.
 */
class ReplyConnection implements EdgeConnection {
  #gone = false;
  #listeners: ((reason?: unknown) => void)[] = [];

  constructor(private readonly reply: FastifyReply) {}

  /** The response's 'close': the client left when it came before the answer was complete. */
  readonly onClose = (): void => {
    if (this.reply.raw.writableFinished || this.#gone) return;
    this.#gone = true;
    for (const listener of this.#listeners) listener();
  };

  get gone(): boolean {
    return this.#gone;
  }

  get headersSent(): boolean {
    return this.reply.raw.headersSent;
  }

  whenGone(listener: (reason?: unknown) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((other) => other !== listener);
    };
  }

  setHeader(name: string, value: string): void {
    void this.reply.header(name, value);
  }

  openStream(headers: Record<string, string> = {}): ServerResponse {
    const { reply } = this;
    reply.hijack();
    // The headers set so far, then an event stream's, then the caller's: assigned onto a new object, not spread and extended (ARCHITECTURE.md, "per-request objects dying young").
    reply.raw.writeHead(200, Object.assign({}, reply.getHeaders() as Record<string, string>, EVENT_STREAM_HEADERS, headers));
    return reply.raw;
  }
}

/**
 * The HTTP binding of the pipeline: the work gets the reply's EdgeConnection, then the whole
 * answer it returns is sent, or nothing when it was streamed. A request whose client left is not
 * answered at all.
 */
export async function serveThroughPipeline(request: FastifyRequest, reply: FastifyReply, work: (connection: EdgeConnection) => Promise<WholeAnswer | undefined>): Promise<FastifyReply> {
  const connection = new ReplyConnection(reply);
  reply.raw.on('close', connection.onClose);
  try {
    const answer = await work(connection);
    if (!answer) return reply;
    reply.status(answer.status).headers(answer.headers ?? {});
    if (answer.contentType) reply.type(answer.contentType);
    return reply.send(answer.body);
  } catch (error) {
    if (connection.gone) return reply.hijack();
    throw error;
  } finally {
    reply.raw.off('close', connection.onClose);
  }
}
