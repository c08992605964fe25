import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applySimulatorFault } from '../apply-simulator-fault.ts';
import { estimatePromptTokens } from '../estimate-tokens.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { writeSimulatorStream } from '../write-simulator-stream.ts';
import { adaptGeminiRequest } from './adapt-gemini-request.ts';
import { checkGeminiRequest } from './check-gemini-request.ts';
import { formatGoogleJson } from './format-google-json.ts';
import { GEMINI_SIMULATOR_ERRORS as ERRORS } from './gemini-simulator-errors.ts';
import { findGeminiModel, GEMINI_SIMULATOR_MODELS, type GeminiSimulatorModel } from './gemini-simulator-models.ts';
import type { GeminiContent } from './gemini-wire-types.ts';
import { renderGeminiResponse, renderGeminiStream } from './render-gemini-response.ts';
import { simulateGeminiTurn } from './simulate-gemini-turn.ts';
import { EMBEDDING_METHODS, simulateGeminiEmbeddings, type EmbeddingMethod } from './simulate-gemini-embeddings.ts';
import { simulateGeminiImage } from './simulate-gemini-image.ts';
import { simulateGeminiSpeech } from '../audio/simulate-gemini-speech.ts';
import { geminiApiKey } from './gemini-api-key.ts';
import { registerVeoDownloads } from './register-veo-downloads.ts';
import { renderVeoOperation } from './render-veo-operation.ts';
import { startVeoOperation } from './start-veo-operation.ts';

const BASE = '/gemini/v1beta';
const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens', 'predictLongRunning'] as const;
type Method = (typeof METHODS)[number];
/** Headers Google's front end (ESF) puts on every answer. */
const GOOGLE_HEADERS = { server: 'scaffolding on HTTPServer2', vary: 'Origin, X-Origin, Referer', 'x-content-type-options': 'nosniff', 'x-xss-protection': '0' };
const JSON_HEADERS = { ...GOOGLE_HEADERS, 'content-type': 'application/json; charset=UTF-8' };

/**
 * Google's Gemini API (v1beta) under `/gemini`, its wire format as the real one:
 * `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent` (`?alt=sse`: `data:` events
 * framed with CRLF and no terminator; without it, one JSON array), `:countTokens`, and
 * `GET /v1beta/models[/{model}]`, and Veo's `:predictLongRunning` with its operations
 * (`GET /v1beta/models/{model}/operations/{id}`) and downloads (`register-veo-downloads.ts`). The key
 * comes in `x-goog-api-key` or `?key=`; real keys start with "AIza", and any other is refused as the
 * API refuses an unknown key.
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/models
 */
export function registerGeminiSimulator(app: FastifyInstance, context: SimulatorContext): void {
  // `{model}:{method}` is one path segment; Fastify would read the colon as a parameter, so match the rest and parse it.
  app.post(`${BASE}/models/*`, (request, reply) => handleModelMethod(context, request, reply));
  app.get(`${BASE}/models`, (request, reply) => {
    const exchange = context.beginExchange('google', request, reply);
    const refusal = checkApiKey(request);
    if (refusal) return send(exchange, refusal);
    return sendJson(exchange, 200, { models: GEMINI_SIMULATOR_MODELS.map(describeModel) });
  });
  app.get(`${BASE}/models/*`, (request, reply) => {
    const exchange = context.beginExchange('google', request, reply);
    const refusal = checkApiKey(request);
    if (refusal) return send(exchange, refusal);
    const name = (request.params as { '*': string })['*'];
    // A Veo operation is named `models/{model}/operations/{id}` and polled with a GET of its name.
    const operation = /^(?:models\/)?([^/]+)\/operations\/([^/]+)$/.exec(name);
    if (operation) {
      const job = context.videoJobs.find('google', geminiApiKey(request)!, operation[2]!);
      if (!job || job.model !== operation[1]) return send(exchange, ERRORS.status(404));
      return sendJson(exchange, 200, renderVeoOperation(job, Date.now(), `http://${request.headers.host}${BASE}/files`));
    }
    const model = findGeminiModel(name);
    if (!model) return send(exchange, ERRORS.unknownModel(name.replace(/^models\//, ''), 'getModel'));
    return sendJson(exchange, 200, describeModel(model));
  });
  registerVeoDownloads(app, context);
}

async function handleModelMethod(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const exchange = context.beginExchange('google', request, reply);
  const { record } = exchange;
  const target = (request.params as { '*': string })['*'];
  const separator = target.lastIndexOf(':');
  const modelName = separator >= 0 ? target.slice(0, separator) : target;
  const method = (separator >= 0 ? target.slice(separator + 1) : '') as Method;
  const query = request.query as Record<string, string | undefined>;
  record.streamed = method === 'streamGenerateContent';

  const refusal = checkApiKey(request);
  if (refusal) return send(exchange, refusal);
  if (!exchange.body.ok) return send(exchange, ERRORS.invalidPayload([{ description: 'Invalid JSON payload received. Unexpected token.' }]));
  if (EMBEDDING_METHODS.includes(method)) return embed(context, exchange, modelName, method as unknown as EmbeddingMethod);
  if (!METHODS.includes(method)) return send(exchange, ERRORS.unknownMethod(method));

  const preamble = await applySimulatorFault(context, exchange, modelName.replace(/^models\//, ''), {
    sendError: (error) => send(exchange, error),
    faultError: (status) => ERRORS.fault(status),
    unstreamedBreakError: () => ERRORS.status(500),
    replayBody: (body, headers) => replayBody(exchange, body, headers, method),
  });
  if (preamble.answered) return;
  const { fault } = preamble;

  // Veo renders videos in the background: a long-running operation to poll (start-veo-operation.ts).
  if (method === 'predictLongRunning') {
    const started = startVeoOperation(context.videoJobs, modelName, exchange.body.value, geminiApiKey(request)!);
    return started.ok ? sendJson(exchange, 200, started.answer, fault?.headers) : send(exchange, started.error);
  }
  // Image models answer with a generated image (simulate-gemini-image.ts).
  const image = simulateGeminiImage(modelName, method, exchange.body.value);
  if (image) return image.ok ? sendJson(exchange, 200, image.answer, fault?.headers) : send(exchange, image.error);
  // Speech models answer with PCM audio (audio/simulate-gemini-speech.ts).
  const speech = simulateGeminiSpeech(modelName, method, exchange.body.value);
  if (speech) return speech.ok ? sendJson(exchange, 200, speech.answer, fault?.headers) : send(exchange, speech.error);

  const model = findGeminiModel(modelName);
  if (!model) {
    return send(exchange, ERRORS.unknownModel(modelName.replace(/^models\//, ''), method));
  }
  if (method === 'countTokens') return countTokens(exchange, exchange.body.value, model);

  const checked = checkGeminiRequest(exchange.body.value, model);
  if (!checked.ok) return send(exchange, checked.error);
  const turn = simulateGeminiTurn(checked.request, model, { sequence: record.id, promptCache: context.promptCache });
  if (method === 'generateContent') return sendJson(exchange, 200, renderGeminiResponse(turn), fault?.headers);

  const chunks = renderGeminiStream(turn);
  if (query.alt !== 'sse') {
    // Without alt=sse the API streams one JSON array of the same responses.
    return sendJson(exchange, 200, chunks, fault?.headers);
  }
  await writeSimulatorStream(exchange, {
    headers: { ...GOOGLE_HEADERS, 'content-type': 'text/event-stream', ...fault?.headers },
    events: chunks.map((chunk) => ({ data: formatGoogleJson(chunk) })),
    lineEnding: '\r\n',
    fault,
    errorEvents: () => [{ data: formatGoogleJson({ error: { code: 500, message: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', status: 'INTERNAL' } }) }],
  });
}

async function embed(context: SimulatorContext, exchange: Exchange, modelName: string, method: EmbeddingMethod): Promise<void> {
  const preamble = await applySimulatorFault(context, exchange, modelName.replace(/^models\//, ''), { sendError: (error) => send(exchange, error), faultError: (status) => ERRORS.fault(status) });
  if (preamble.answered) return;
  const outcome = simulateGeminiEmbeddings(modelName, method, exchange.body.ok ? exchange.body.value : undefined);
  if (!outcome.ok) return send(exchange, outcome.error);
  sendJson(exchange, 200, outcome.answer, preamble.fault?.headers);
}

/**
 * A 200 fault with a body replays that body as the answer (for a stream, each element of an array as
 * an event), so a test can send any recorded response through the gateway.
 */
function replayBody(exchange: Exchange, body: unknown, headers: Record<string, string> | undefined, method: Method): void {
  if (method !== 'streamGenerateContent') return sendJson(exchange, 200, body, headers);
  const events = (Array.isArray(body) ? body : [body]).map((event) => `data: ${typeof event === 'string' ? event : formatGoogleJson(event)}\r\n\r\n`);
  exchange.record.status = 200;
  exchange.response.writeHead(200, { ...GOOGLE_HEADERS, 'content-type': 'text/event-stream', ...headers });
  exchange.response.end(events.join(''));
}

/**
 * `countTokens` takes `contents` or a whole `generateContentRequest`, and answers the prompt's size.
 * @see https://ai.google.dev/api/tokens
 */
function countTokens(exchange: Exchange, body: unknown, model: GeminiSimulatorModel): void {
  const record = (body ?? {}) as { contents?: GeminiContent[]; generateContentRequest?: unknown };
  const inner = record.generateContentRequest ?? { contents: record.contents };
  const checked = checkGeminiRequest(inner, model);
  if (!checked.ok) return send(exchange, checked.error);
  const estimate = estimatePromptTokens(adaptGeminiRequest(checked.request, model.id));
  const images = estimate.imageTokens / 85;
  const text = estimate.promptTokens - estimate.imageTokens;
  return sendJson(exchange, 200, {
    totalTokens: text + images * 258,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: text }, ...(images > 0 ? [{ modality: 'IMAGE', tokenCount: images * 258 }] : [])],
  });
}

/** @see https://ai.google.dev/gemini-api/docs/api-key */
function checkApiKey(request: FastifyRequest): SimulatorError | undefined {
  const key = geminiApiKey(request);
  if (!key) return ERRORS.missingApiKey();
  if (!key.startsWith('AIza')) return ERRORS.invalidApiKey();
  return undefined;
}

/** @see https://ai.google.dev/api/models#Model */
function describeModel(model: GeminiSimulatorModel): Record<string, unknown> {
  return {
    name: `models/${model.id}`,
    version: model.version,
    displayName: model.displayName,
    description: model.description,
    inputTokenLimit: model.inputTokenLimit,
    outputTokenLimit: model.outputTokenLimit,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    ...(model.thinking.kind === 'none' ? {} : { thinking: true }),
  };
}

function send(exchange: Exchange, error: SimulatorError): void {
  exchange.record.status = error.status;
  exchange.response.writeHead(error.status, { ...JSON_HEADERS, ...error.headers });
  exchange.response.end(typeof error.body === 'string' ? error.body : JSON.stringify(error.body, null, 2));
}

function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  exchange.record.status = status;
  exchange.response.writeHead(status, { ...JSON_HEADERS, ...headers });
  exchange.response.end(JSON.stringify(body, null, 2));
}
