import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { GATEWAY_ERRORS } from '../core/gateway-error.ts';
import type { Switchyard } from '../switchyard.ts';
import { authenticate } from './authenticate.ts';
import { generateRequestId } from './generate-request-id.ts';
import { renderError } from './render-error.ts';
import { registerAdminRoutes } from './routes/admin-routes.ts';
import { registerAnthropicMessagesRoutes } from './routes/anthropic-messages-routes.ts';
import { registerChatCompletionsRoutes } from './routes/chat-completions-routes.ts';
import { registerCreditsRoutes } from './routes/credits-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerModelRoutes } from './routes/model-routes.ts';
import { registerResponsesRoutes } from './routes/responses-routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes that answer without an API key (health checks). */
    public?: boolean;
    /** The error shape of the route's surface; OpenAI's when absent. */
    dialect?: 'openai' | 'anthropic';
  }
}

/** The HTTP edge: parses and answers HTTP, and hands everything else to the service layer. */
export function buildServer(switchyard: Switchyard): FastifyInstance {
  const app = Fastify({
    loggerInstance: switchyard.logger as FastifyBaseLogger,
    // Each chat request logs one line of its own (without headers); Fastify's two lines a request are off.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: switchyard.config.bodyLimitBytes,
    genReqId: generateRequestId,
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1_000 },
    // Types are checked, never coerced: "0.5" is not a temperature. Unknown fields pass through to providers.
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false } },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Admin routes have their own guard (the admin token, routes/admin-routes.ts), never a tenant key.
    if (request.routeOptions.config.public || request.routeOptions.config.admin || request.is404) return;
    request.principal = await authenticate(request, switchyard.keyCache);
  });
  // The gateway speaks JSON only: any other body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(renderError);
  app.setNotFoundHandler((request) => {
    throw GATEWAY_ERRORS.routeNotFound(request.method, request.url.split('?')[0]);
  });

  registerHealthRoutes(app, switchyard);
  registerModelRoutes(app, switchyard);
  registerChatCompletionsRoutes(app, switchyard);
  registerResponsesRoutes(app, switchyard);
  registerAnthropicMessagesRoutes(app, switchyard);
  registerCreditsRoutes(app, switchyard);
  registerAdminRoutes(app, switchyard);
  return app;
}
