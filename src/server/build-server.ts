import cors from '@fastify/cors';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { GATEWAY_ERRORS, type GatewayError } from '../core/gateway-error.ts';
import type { Switchyard } from '../switchyard.ts';
import { authenticateCredentials } from '../accounts/authenticate-credentials.ts';
import { anthropicMessagesSurface } from '../dialects/anthropic-messages/anthropic-messages-surface.ts';
import { countTokensEnvelopeSchema, messagesEnvelopeSchema } from '../dialects/anthropic-messages/messages-request-schema.ts';
import { chatRequestSchema } from '../dialects/openai-chat/chat-request-schema.ts';
import { openAIChatSurface } from '../dialects/openai-chat/openai-chat-surface.ts';
import { completionsRequestSchema } from '../dialects/openai-completions/completions-request-schema.ts';
import { openAICompletionsSurface } from '../dialects/openai-completions/openai-completions-surface.ts';
import { createOpenAIResponsesSurface } from '../dialects/openai-responses/openai-responses-surface.ts';
import { responsesEnvelopeSchema } from '../dialects/openai-responses/responses-request-schema.ts';
import type { AuthenticatedKey } from '../store/store.ts';
import { answerClientError } from './answer-client-error.ts';
import { exceedsJsonDepth } from './exceeds-json-depth.ts';
import { generateRequestId } from './generate-request-id.ts';
import { renderError } from './render-error.ts';
import { registerAdminRoutes } from './routes/admin-routes.ts';
import { registerChatbotRoutes } from './routes/chatbot-routes.ts';
import { registerCreditsRoutes } from './routes/credits-routes.ts';
import { registerDashboardRoutes } from './routes/dashboard-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerMetricsRoutes } from './routes/metrics-routes.ts';
import { logEveryAnswer } from './log-every-answer.ts';
import { registerModelRoutes } from './routes/model-routes.ts';
import { registerGeminiRoutes } from './routes/gemini-routes.ts';
import { registerOperationRoutes, registerSurfaceRoutes } from './routes/register-surface-routes.ts';
import { openAIEmbeddingsOperation } from '../dialects/openai-embeddings/openai-embeddings-operation.ts';
import { embeddingsRequestSchema } from '../dialects/openai-embeddings/embeddings-request-schema.ts';
import { moderationsRequestSchema, openAIModerationsOperation } from '../dialects/openai-moderations/openai-moderations-operation.ts';
import { registerTenantRoutes } from './routes/tenant-routes.ts';
import { imagesGenerateRequestSchema } from '../dialects/openai-images/images-request-schema.ts';
import { openAIImagesOperation } from '../dialects/openai-images/openai-images-operation.ts';
import { registerImageEditRoutes } from './routes/image-edit-routes.ts';
import { openAISpeechOperation } from '../dialects/openai-speech/openai-speech-operation.ts';
import { speechRequestSchema } from '../dialects/openai-speech/speech-request-schema.ts';
import { registerTranscriptionRoutes } from './routes/transcription-routes.ts';
import { registerVideoRoutes } from './routes/video-routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes that answer without an API key (health checks). */
    public?: boolean;
    /** The error body of the route's surface (render-error.ts); OpenAI's when absent. */
    encodeError?: (error: GatewayError) => unknown;
    /** The API a model route speaks (its surface's id), for the access log. */
    surface?: string;
    /** The key may come in the query (`?key=`, Google's convention): the Gemini API surface's routes only. */
    keyInQuery?: boolean;
  }
  interface FastifyRequest {
    /** The caller's key, set by the authenticate hook on every tenant route. */
    principal?: AuthenticatedKey;
    /** The error code of the answer, when it was an error (render-error.ts), for the access log. */
    errorCode?: string;
  }
}

/** Deeper than any provider's API needs (tool schemas included), shallow enough for every recursive walk of a body. */
const MAX_JSON_DEPTH = 128;

/** The seed's legacy path, the gateway path, and the plain OpenAI path. */
const CHAT_COMPLETIONS_PATHS = ['/v1/api/openai/chat/completions', '/v1/gateway/chat/completions', '/v1/chat/completions'];
const MESSAGES_PATHS = ['/v1/gateway/claude/v1/messages', '/v1/messages'];
const EMBEDDINGS_PATHS = ['/v1/gateway/embeddings', '/v1/embeddings'];
const MODERATIONS_PATHS = ['/v1/gateway/moderations', '/v1/moderations'];
/** The gateway path (FastAPI style, trailing slash optional) and the plain OpenAI path. */
const RESPONSES_PATHS = ['/v1/gateway/responses', '/v1/responses', '/v1/api/openai/responses'];

/** The HTTP edge: parses and answers HTTP, and hands everything else to the service layer. */
export function buildServer(switchyard: Switchyard): FastifyInstance {
  const app = Fastify({
    loggerInstance: switchyard.logger as FastifyBaseLogger,
    // Every answer logs one access line of its own (log-every-answer.ts, without headers); Fastify's two lines a request are off.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: switchyard.config.bodyLimitBytes,
    // Slow clients are cut: headers and the whole request each have a deadline (checked every
    // second, not Node's default 30 s), idle keep-alive connections close.
    requestTimeout: switchyard.config.clientRequestTimeoutMs,
    keepAliveTimeout: switchyard.config.clientIdleTimeoutMs,
    http: { headersTimeout: switchyard.config.clientHeadersTimeoutMs, requestTimeout: switchyard.config.clientRequestTimeoutMs, connectionsCheckingInterval: 1_000 },
    genReqId: generateRequestId,
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 1_000 },
    // Types are checked, never coerced: "0.5" is not a temperature. Unknown fields pass through to providers.
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false } },
    // Requests that never reach a route still get the error envelope, and never an echo of their path.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => renderError(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? GATEWAY_ERRORS.uriTooLong() : GATEWAY_ERRORS.invalidUrl(), request, reply),
  });

  // Browsers' cross-origin calls, only from the configured origins (none by default). Preflights
  // are answered before authentication: a browser sends them without the key.
  if (switchyard.config.corsOrigins.length > 0) {
    void app.register(cors, {
      origin: switchyard.config.corsOrigins.includes('*') ? '*' : switchyard.config.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'x-api-key', 'x-goog-api-key', 'x-goog-api-client', 'content-type', 'anthropic-version', 'anthropic-beta', 'anthropic-dangerous-direct-browser-access', 'x-stainless-os', 'x-stainless-lang', 'x-stainless-package-version', 'x-stainless-runtime', 'x-stainless-runtime-version', 'x-stainless-arch', 'x-stainless-retry-count', 'x-stainless-timeout', 'openai-organization', 'openai-project'],
      exposedHeaders: ['x-request-id', 'x-switchyard-credits-used', 'x-switchyard-adjustments', 'retry-after', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests', 'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'],
      maxAge: 600,
    });
  }

  logEveryAnswer(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Admin routes have their own guard (the admin token, routes/admin-routes.ts), never a tenant key.
    if (request.routeOptions.config.public || request.routeOptions.config.admin || request.is404 || request.method === 'OPTIONS') return;
    // The pipeline's authenticate phase, run here for every route so an unauthenticated body is never read.
    try {
      request.principal = await authenticateCredentials(
        {
          authorization: request.headers.authorization,
          apiKey: request.headers['x-api-key'],
          googleApiKey: request.headers['x-goog-api-key'],
          queryKey: request.routeOptions.config.keyInQuery ? (request.query as { key?: unknown }).key : undefined,
        },
        switchyard.keyCache,
      );
    } catch (error) {
      // Refused callers get their answer and lose the connection: a body still trickling in cannot hold it open.
      reply.header('connection', 'close');
      throw error;
    }
  });
  // The gateway speaks JSON only: any other body is a 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');
  // Fastify's own JSON parser (prototype poisoning refused), then a depth limit: a small body
  // nested thousands of levels deep must be a 400, not a stack overflow further on.
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      if (exceedsJsonDepth(value, MAX_JSON_DEPTH)) return done(GATEWAY_ERRORS.jsonTooDeep(MAX_JSON_DEPTH), undefined);
      done(null, value);
    });
  });
  app.setErrorHandler(renderError);
  app.setNotFoundHandler((request) => {
    throw GATEWAY_ERRORS.routeNotFound(request.method, request.url.split('?')[0]);
  });

  registerHealthRoutes(app, switchyard);
  registerMetricsRoutes(app, switchyard);
  registerModelRoutes(app, switchyard);
  registerSurfaceRoutes(app, switchyard, openAIChatSurface, { paths: CHAT_COMPLETIONS_PATHS, bodySchema: chatRequestSchema });
  registerSurfaceRoutes(app, switchyard, createOpenAIResponsesSurface(switchyard.storedResponses), { paths: RESPONSES_PATHS, bodySchema: responsesEnvelopeSchema });
  registerSurfaceRoutes(app, switchyard, anthropicMessagesSurface, { paths: MESSAGES_PATHS, bodySchema: messagesEnvelopeSchema, countTokensBodySchema: countTokensEnvelopeSchema });
  registerGeminiRoutes(app, switchyard);
  registerSurfaceRoutes(app, switchyard, openAICompletionsSurface, { paths: ['/v1/gateway/completions', '/v1/completions'], bodySchema: completionsRequestSchema });
  registerOperationRoutes(app, switchyard, openAIEmbeddingsOperation, { paths: EMBEDDINGS_PATHS, bodySchema: embeddingsRequestSchema });
  registerOperationRoutes(app, switchyard, openAIModerationsOperation, { paths: MODERATIONS_PATHS, bodySchema: moderationsRequestSchema });
  registerOperationRoutes(app, switchyard, openAIImagesOperation, { paths: ['/v1/gateway/images/generate', '/v1/gateway/images/generations', '/v1/images/generations'], bodySchema: imagesGenerateRequestSchema });
  registerImageEditRoutes(app, switchyard);
  registerOperationRoutes(app, switchyard, openAISpeechOperation, { paths: ['/v1/gateway/audio/speech', '/v1/audio/speech'], bodySchema: speechRequestSchema });
  registerTranscriptionRoutes(app, switchyard);
  registerVideoRoutes(app, switchyard);
  registerCreditsRoutes(app, switchyard);
  registerTenantRoutes(app, switchyard);
  registerChatbotRoutes(app, switchyard);
  registerAdminRoutes(app, switchyard);
  registerDashboardRoutes(app);
  return app;
}
