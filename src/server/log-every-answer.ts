import type { FastifyInstance } from 'fastify';

/** Longest path written to the log: an unknown route's path is the caller's input. */
const MAX_LOGGED_PATH = 200;

/**
 * One access line for every answer the HTTP edge gives — refusals before any route (401, 404,
 * unknown paths), validation errors (422/400), limits (402, 429), model requests streamed or not:
 * status, error code, surface, model, key id (never the key) and duration, written when the
 * connection is done with the response (so a stream's line has its whole duration). A model
 * request also writes its metering line ('model request', track-request.ts) with cost and provider.
 */
export function logEveryAnswer(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    const startedAt = performance.now();
    reply.raw.once('close', () => {
      const body = request.body as { model?: unknown } | undefined;
      const route = request.routeOptions.url;
      request.log.info(
        {
          method: request.method,
          ...(route ? { route } : { path: request.url.split('?')[0]!.slice(0, MAX_LOGGED_PATH) }),
          status: reply.raw.statusCode,
          ...(request.errorCode && { code: request.errorCode }),
          ...(request.routeOptions.config.surface && { surface: request.routeOptions.config.surface }),
          ...(typeof body?.model === 'string' && { model: body.model.slice(0, MAX_LOGGED_PATH) }),
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
