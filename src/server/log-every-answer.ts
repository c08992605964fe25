import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestLogger } from '../metering/track-request.ts';

/** Longest path written to the log: an unknown route's path is the caller's input. */
const MAX_LOGGED_PATH = 200;

declare module 'fastify' {
  interface FastifyRequest {
    /** A model request's metering facts (track-request.ts), waiting for its access line. */
    meteringLine?: Record<string, unknown>;
    /** Whether the access line is written: metering facts settled later get a line of their own. */
    answerLogged?: boolean;
  }
}

/**
 * One access line for every answer the HTTP edge gives — refusals before any route (401, 404,
 * unknown paths), validation errors (422/400), limits (402, 429), model requests streamed or not:
 * status, error code, surface, model, key id (never the key) and duration, written when the
 * connection is done with the response (so a stream's line has its whole duration). A model
 * request's metering facts (organization, provider, cost, usage flag; the model that served and
 * the one asked for) are in the same line: one line per request, built once.
 */
export function logEveryAnswer(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const startedAt = performance.now();
    reply.raw.once('close', () => {
      const body = request.body as { model?: unknown } | undefined;
      const route = request.routeOptions.url;
      const metering = request.meteringLine;
      request.answerLogged = true;
      request.log.info(
        {
          method: request.method,
          ...(route ? { route } : { path: request.url.split('?')[0]!.slice(0, MAX_LOGGED_PATH) }),
          ...(typeof body?.model === 'string' && { model: body.model.slice(0, MAX_LOGGED_PATH) }),
          // The metering's model is the one that served (with the one asked for when a fallback served), its status what was billed (499: the client left).
          ...metering,
          status: reply.raw.statusCode,
          ...(metering && metering.status !== reply.raw.statusCode && { settledStatus: metering.status }),
          ...(request.errorCode && { code: request.errorCode }),
          ...(request.routeOptions.config.surface && { surface: request.routeOptions.config.surface }),
          ...(request.principal && { keyId: request.principal.id }),
          ...(!reply.raw.writableFinished && { clientClosedEarly: true }),
          durationMs: Math.round(performance.now() - startedAt),
        },
        'answered',
      );
    });
    done();
  });
}

/** The logger a model route hands the pipeline: the request's, its metering facts kept for the access line. */
export function requestLogger(request: FastifyRequest): RequestLogger {
  return {
    info: (details, message) => request.log.info(details, message),
    settled(details) {
      if (request.answerLogged) request.log.info(details, 'model request');
      else request.meteringLine = details as Record<string, unknown>;
    },
  };
}
