import { requestLogger } from '../log-every-answer.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { compileTranslatedBodyCheck } from '../../dialects/check-translated-body.ts';
import { encodeGeminiError } from '../../dialects/gemini-generate-content/encode-gemini-error.ts';
import { encodeGeminiModel, encodeGeminiModelPage } from '../../dialects/gemini-generate-content/encode-gemini-model.ts';
import type { GeminiCallBody } from '../../dialects/gemini-generate-content/gemini-call-body.ts';
import { createGeminiGenerateContentSurface, GEMINI_SURFACE_ID, type GeminiAnswerMode } from '../../dialects/gemini-generate-content/gemini-generate-content-surface.ts';
import { countTokensEnvelopeSchema, generateContentEnvelopeSchema } from '../../dialects/gemini-generate-content/gemini-request-schema.ts';
import { parseGeminiModelPath } from '../../dialects/gemini-generate-content/parse-gemini-model-path.ts';
import {
  geminiBatchEmbedContentsOperation,
  geminiBatchEmbedContentsSchema,
  geminiEmbedContentOperation,
  geminiEmbedContentSchema,
  type GeminiEmbeddingsBody,
} from '../../dialects/gemini-generate-content/gemini-embeddings-operation.ts';
import type { ModelCall } from '../../gateway/surface.ts';
import type { Switchyard } from '../../switchyard.ts';
import { serveThroughPipeline } from '../serve-through-pipeline.ts';

/** Google's API versions: `@google/genai` 2.x and the legacy SDK call v1beta, `@google/genai` 3.x v1, `apiVersion: 'v1alpha'` v1alpha. */
const API_VERSIONS = ['v1beta', 'v1alpha'] as const;
/** The gateway's own path for Gemini clients (a base URL of `<gateway>/v1/gateway/gemini`), beside the plain one. */
const GATEWAY_PREFIX = '/v1/gateway/gemini';

const checkGenerateContent = compileTranslatedBodyCheck(generateContentEnvelopeSchema);
const checkCountTokens = compileTranslatedBodyCheck(countTokensEnvelopeSchema);
const checkEmbedContent = compileTranslatedBodyCheck(geminiEmbedContentSchema);
const checkBatchEmbedContents = compileTranslatedBodyCheck(geminiBatchEmbedContentsSchema);

/**
 * The Gemini API surface's routes: `POST /{version}/models/{model}:{method}` (and the legacy SDK's
 * `/{version}/{model}:{method}` for ids with `/`), `GET /{version}/models[/{model}]`, under `/` and
 * under `/v1/gateway/gemini`. The model and method are one path segment after the version,
 * `{model}:{method}`, which Fastify would read as a parameter: the routes take the rest of the path
 * and parse it (parse-gemini-model-path.ts). On plain `/v1` — OpenAI's too — only
 * `POST /v1/models/…` is Gemini's; `GET /v1/models` answers a Gemini client in Gemini's shape
 * (model-routes.ts). Every answer, errors included, is Google's shape; the key may also come as
 * `?key=` here (never logged: the access log writes the route, not the URL).
 */
export function registerGeminiRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const surfaces: Record<GeminiAnswerMode, ReturnType<typeof createGeminiGenerateContentSurface>> = {
    whole: createGeminiGenerateContentSurface('whole'),
    sse: createGeminiGenerateContentSurface('sse'),
    'json-array': createGeminiGenerateContentSurface('json-array'),
  };
  const config = { encodeError: encodeGeminiError, surface: GEMINI_SURFACE_ID, keyInQuery: true };
  const modelsConfig = { encodeError: encodeGeminiError, keyInQuery: true };

  const serve = async (request: FastifyRequest, reply: FastifyReply, path: string) => {
    const { model, method } = parseGeminiModelPath(path);
    const { pipeline } = switchyard;
    switch (method) {
      case 'generateContent':
      case 'streamGenerateContent': {
        checkGenerateContent(request.body);
        const mode: GeminiAnswerMode = method === 'generateContent' ? 'whole' : (request.query as { alt?: unknown }).alt === 'sse' ? 'sse' : 'json-array';
        const call = modelCall(request, model);
        return serveThroughPipeline(request, reply, (connection) => pipeline.serve(surfaces[mode], call, connection));
      }
      case 'countTokens': {
        checkCountTokens(request.body);
        const call = modelCall(request, model);
        return serveThroughPipeline(request, reply, (connection) => pipeline.countTokens(surfaces.whole, call, connection));
      }
      case 'embedContent':
      case 'batchEmbedContents': {
        const batch = method === 'batchEmbedContents';
        (batch ? checkBatchEmbedContents : checkEmbedContent)(request.body);
        const body = { ...(request.body as object), model } as GeminiEmbeddingsBody;
        const call = { principal: request.principal!, body, headers: request.headers, requestId: request.id, logger: requestLogger(request) };
        return serveThroughPipeline(request, reply, (connection) => pipeline.serveOperation(batch ? geminiBatchEmbedContentsOperation : geminiEmbedContentOperation, call, connection));
      }
      default:
        throw GATEWAY_ERRORS.geminiMethodNotFound(method);
    }
  };

  for (const prefix of ['', GATEWAY_PREFIX]) {
    // Plain `/v1/*` is OpenAI's; under the gateway's prefix, v1 is Gemini's alone.
    for (const version of prefix === '' ? API_VERSIONS : [...API_VERSIONS, 'v1']) {
      app.post(`${prefix}/${version}/*`, { config }, (request, reply) => serve(request, reply, wildcardOf(request)));
      app.get(`${prefix}/${version}/models`, { config: modelsConfig }, async (request) => answerGeminiModels(switchyard, request, ''));
      app.get(`${prefix}/${version}/models/*`, { config: modelsConfig }, async (request) => answerGeminiModels(switchyard, request, wildcardOf(request)));
    }
  }
  app.post('/v1/models/*', { config }, (request, reply) => serve(request, reply, `models/${wildcardOf(request)}`));
}

/**
 * `GET …/models` (a page: `pageSize`, `pageToken`) or `GET …/models/{model}` in Gemini's Model
 * shape: every model the key may use whose provider is on, not only Gemini's (each one answers on
 * this surface); another model is a 404.
 */
export function answerGeminiModels(switchyard: Switchyard, request: FastifyRequest, modelId: string) {
  const allowed = request.principal?.allowedModels;
  const available = switchyard.chat.availableModels().filter((model) => (!allowed || allowed.includes(model.id)) && model.kind !== 'moderation');
  const id = modelId.replace(/^\/+|\/+$/g, '').replace(/^models\//, '');
  if (id === '') return encodeGeminiModelPage(available, request.query as Record<string, unknown>);
  const model = available.find((candidate) => candidate.id === id);
  if (!model) throw GATEWAY_ERRORS.modelNotFound(id);
  return encodeGeminiModel(model);
}

/** Whether a request on a route shared with OpenAI (`GET /v1/models`) comes from a Gemini client: Google's SDKs send these headers on every call. */
export function isGeminiClient(request: FastifyRequest): boolean {
  return request.headers['x-goog-api-key'] !== undefined || request.headers['x-goog-api-client'] !== undefined;
}

/** The call, its model taken from the URL (the route's word wins over the body's; the access log reads it from the body). */
function modelCall(request: FastifyRequest, model: string): ModelCall<GeminiCallBody> {
  const body = request.body as GeminiCallBody;
  body.model = model;
  return { principal: request.principal!, body, headers: request.headers, requestId: request.id, logger: requestLogger(request) };
}

function wildcardOf(request: FastifyRequest): string {
  return (request.params as { '*'?: string })['*'] ?? '';
}
