import { requestLogger } from '../log-every-answer.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModelOperation } from '../../gateway/model-operation.ts';
import type { ModelCall, Surface } from '../../gateway/surface.ts';
import type { Switchyard } from '../../switchyard.ts';
import { serveThroughPipeline } from '../serve-through-pipeline.ts';

/**
 * The routes of one surface: a model request at each path (its body checked by `bodySchema`),
 * `count_tokens` and the stored-object operations when the surface has them. Handlers only parse
 * and answer; the pipeline (gateway/model-request-pipeline.ts) does the rest. Every answer, errors
 * included, is in the surface's shape (route config `encodeError`).
 */
export function registerSurfaceRoutes<Body>(
  app: FastifyInstance,
  switchyard: Switchyard,
  surface: Surface<Body>,
  routes: { paths: readonly string[]; bodySchema: object; countTokensBodySchema?: object },
): void {
  const config = { encodeError: surface.encodeError, surface: surface.id };
  const { pipeline } = switchyard;
  for (const path of routes.paths) {
    app.post(path, { config, schema: { body: routes.bodySchema } }, (request, reply) =>
      serveThroughPipeline(request, reply, (connection) => pipeline.serve(surface, modelCall<Body>(request), connection)),
    );
    if (surface.countTokens) {
      app.post(`${path}/count_tokens`, { config, schema: { body: routes.countTokensBodySchema ?? routes.bodySchema } }, (request, reply) =>
        serveThroughPipeline(request, reply, (connection) => pipeline.countTokens(surface, modelCall<Body>(request), connection)),
      );
    }
    for (const operation of surface.stored?.operations ?? []) {
      app.route({
        method: operation.method,
        url: `${path}/:objectId${operation.suffix}`,
        config,
        handler: (request, reply) => {
          const queryStart = request.url.indexOf('?');
          const query = queryStart >= 0 ? request.url.slice(queryStart) : '';
          const { objectId } = request.params as { objectId: string };
          return serveThroughPipeline(request, reply, (connection) =>
            pipeline.serveStored(surface, { principal: request.principal!, requestId: request.id, logger: requestLogger(request), objectId, operation: { ...operation, query } }, connection),
          );
        },
      });
    }
  }
}

/** The routes of a model operation that is not a chat (embeddings, moderations): its paths, its body schema, its error body. */
export function registerOperationRoutes<Body, Result>(app: FastifyInstance, switchyard: Switchyard, operation: ModelOperation<Body, Result>, routes: { paths: readonly string[]; bodySchema: object }): void {
  const config = { encodeError: operation.encodeError, surface: operation.id };
  for (const path of routes.paths) {
    app.post(path, { config, schema: { body: routes.bodySchema } }, (request, reply) =>
      serveThroughPipeline(request, reply, (connection) => switchyard.pipeline.serveOperation(operation, modelCall<Body>(request), connection)),
    );
  }
}

function modelCall<Body>(request: FastifyRequest): ModelCall<Body> {
  return { principal: request.principal!, body: request.body as Body, headers: request.headers, requestId: request.id, logger: requestLogger(request) };
}
