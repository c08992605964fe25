import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeConnection, WholeAnswer } from '../gateway/client-connection.ts';

/**
 * The HTTP binding of the pipeline: an EdgeConnection over Fastify's reply — gone when the
 * client's connection closes before its answer is complete, headers set on the reply, a stream
 * taken over from Fastify — then the whole answer sent, or nothing when it was streamed. A request
 * whose client left is not answered at all.
 */
export async function serveThroughPipeline(request: FastifyRequest, reply: FastifyReply, work: (connection: EdgeConnection) => Promise<WholeAnswer | undefined>): Promise<FastifyReply> {
  let gone = false;
  let listeners: (() => void)[] = [];
  const onClose = () => {
    if (reply.raw.writableFinished || gone) return;
    gone = true;
    for (const listener of listeners) listener();
  };
  reply.raw.on('close', onClose);
  const connection: EdgeConnection = {
    get gone() {
      return gone;
    },
    whenGone(listener) {
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((other) => other !== listener);
      };
    },
    setHeader: (name, value) => void reply.header(name, value),
    get headersSent() {
      return reply.raw.headersSent;
    },
    openStream(headers = {}) {
      reply.hijack();
      reply.raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        ...headers,
      });
      return reply.raw;
    },
  };
  try {
    const answer = await work(connection);
    if (!answer) return reply;
    reply.status(answer.status).headers(answer.headers ?? {});
    if (answer.contentType) reply.type(answer.contentType);
    return reply.send(answer.body);
  } catch (error) {
    if (gone) return reply.hijack();
    throw error;
  } finally {
    reply.raw.off('close', onClose);
  }
}
