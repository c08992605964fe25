import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientConnection, WholeAnswer } from '../gateway/client-connection.ts';

/**
 * The HTTP binding of the pipeline: a ClientConnection over Fastify's reply — aborted when the
 * client's connection closes before its answer is complete, headers set on the reply, a stream
 * taken over from Fastify — then the whole answer sent, or nothing when it was streamed. A request
 * whose client left is not answered at all.
 */
export async function serveThroughPipeline(request: FastifyRequest, reply: FastifyReply, work: (connection: ClientConnection) => Promise<WholeAnswer | undefined>): Promise<FastifyReply> {
  const cancel = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) cancel.abort();
  };
  reply.raw.on('close', onClose);
  const connection: ClientConnection = {
    signal: cancel.signal,
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
    if (cancel.signal.aborted) return reply.hijack();
    throw error;
  } finally {
    reply.raw.off('close', onClose);
  }
}
