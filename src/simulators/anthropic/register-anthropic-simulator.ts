import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applySimulatorFault, type SimulatorFaultAnswers } from '../apply-simulator-fault.ts';
import { deterministicId } from '../deterministic-id.ts';
import { deterministicUuid } from '../deterministic-uuid.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { writeSimulatorStream } from '../write-simulator-stream.ts';
import { ANTHROPIC_ERRORS, OVERLOADED_EVENT_DATA } from './anthropic-errors.ts';
import { anthropicSimulatedModels, type AnthropicSimulatedModel } from './anthropic-simulated-models.ts';
import { checkAnthropicRequest } from './check-anthropic-request.ts';
import { estimateAnthropicInputTokens } from './estimate-anthropic-input-tokens.ts';
import { renderAnthropicStream } from './render-anthropic-stream.ts';
import { simulateAnthropicTurn } from './simulate-anthropic-turn.ts';

const BASE_PATH = '/anthropic';
/** API versions Anthropic accepts in `anthropic-version`. @see https://docs.anthropic.com/en/api/versioning */
const KNOWN_VERSIONS = ['2026-10-21', '2023-06-01', '2023-01-01'];

/**
 * Plays Anthropic's API under `/anthropic` (the base URL to configure is `${url}/anthropic`, as
 * Anthropic's SDKs take `https://api.anthropic.com`): `POST /v1/messages` (JSON and SSE),
 * `POST /v1/messages/count_tokens`, `GET /v1/models` and `GET /v1/models/{id}`. Requests are
 * recorded and scripted faults applied through the shared context, like every simulated provider.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function registerAnthropicSimulator(app: FastifyInstance, context: SimulatorContext): void {
  app.post(`${BASE_PATH}/v1/messages`, (request, reply) => handleMessages(context, request, reply));
  app.post(`${BASE_PATH}/v1/messages/count_tokens`, (request, reply) => handleCountTokens(context, request, reply));
  app.get(`${BASE_PATH}/v1/models`, (request, reply) => handleModelList(context, request, reply));
  app.get(`${BASE_PATH}/v1/models/:modelId`, (request, reply) => handleModel(context, request, reply));
  app.all(`${BASE_PATH}/*`, (request, reply) => {
    const exchange = context.beginExchange('anthropic', request, reply);
    sendError(exchange, ANTHROPIC_ERRORS.routeNotFound());
  });
}

async function handleMessages(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const exchange = context.beginExchange('anthropic', request, reply);
  const { record, response } = exchange;
  const refusal = admit(request.headers);
  if (refusal) return sendError(exchange, refusal);
  if (!exchange.body.ok) return sendError(exchange, ANTHROPIC_ERRORS.invalidJson());

  const body = exchange.body.value;
  const preamble = await applySimulatorFault(context, exchange, isRecord(body) ? body.model : undefined, {
    ...faultAnswers(exchange),
    unstreamedBreakError: () => ANTHROPIC_ERRORS.overloaded(),
  });
  if (preamble.answered) return;
  const { fault } = preamble;

  const check = checkAnthropicRequest(body, { endpoint: 'messages', version: String(request.headers['anthropic-version']) });
  if (!check.ok) return sendError(exchange, check.error);
  const promptTokens = estimateAnthropicInputTokens(check.request);
  if (promptTokens > check.model.contextWindow) {
    return sendError(exchange, ANTHROPIC_ERRORS.invalidRequest(`prompt is too long: ${promptTokens} tokens > ${check.model.contextWindow} maximum`));
  }
  const message = simulateAnthropicTurn(check.request, check.model, { sequence: record.id, promptCache: context.promptCache });
  const headers = { ...responseHeaders(record.id, record.streamed, message.usage), ...(fault?.headers ?? {}) };
  record.status = 200;
  if (!record.streamed) {
    response.writeHead(200, headers);
    response.end(JSON.stringify(message));
    return;
  }
  await writeSimulatorStream(exchange, {
    headers,
    events: renderAnthropicStream(message),
    fault,
    errorEvents: () => [{ event: 'error', data: OVERLOADED_EVENT_DATA }],
  });
}

/** @see https://docs.anthropic.com/en/api/messages-count-tokens */
async function handleCountTokens(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const exchange = context.beginExchange('anthropic', request, reply);
  const refusal = admit(request.headers);
  if (refusal) return sendError(exchange, refusal);
  if (!exchange.body.ok) return sendError(exchange, ANTHROPIC_ERRORS.invalidJson());
  const body = exchange.body.value;
  // Counting never streams and answers at once: only a fault's status applies.
  const preamble = await applySimulatorFault(context, exchange, isRecord(body) ? body.model : undefined, { ...faultAnswers(exchange), delayFirstByte: false });
  if (preamble.answered) return;
  const check = checkAnthropicRequest(body, { endpoint: 'count_tokens', version: String(request.headers['anthropic-version']) });
  if (!check.ok) return sendError(exchange, check.error);
  sendJson(exchange, { input_tokens: estimateAnthropicInputTokens(check.request) });
}

/** Snapshots only, newest first, paged with `limit` and `after_id`. @see https://docs.anthropic.com/en/api/models-list */
function handleModelList(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): void {
  const exchange = context.beginExchange('anthropic', request, reply);
  const refusal = admit(request.headers);
  if (refusal) return sendError(exchange, refusal);
  const query = request.query as { limit?: string; after_id?: string };
  const snapshots = anthropicSimulatedModels.filter((model) => model.id === model.responseModel);
  const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 20) || 20));
  const start = query.after_id ? snapshots.findIndex((model) => model.id === query.after_id) + 1 : 0;
  const page = snapshots.slice(start, start + limit);
  sendJson(exchange, {
    data: page.map(modelInfo),
    has_more: start + limit < snapshots.length,
    first_id: page[0]?.id ?? null,
    last_id: page[page.length - 1]?.id ?? null,
  });
}

/** Resolves an alias to its snapshot, as the real endpoint does. @see https://docs.anthropic.com/en/api/models */
function handleModel(context: SimulatorContext, request: FastifyRequest, reply: FastifyReply): void {
  const exchange = context.beginExchange('anthropic', request, reply);
  const refusal = admit(request.headers);
  if (refusal) return sendError(exchange, refusal);
  const { modelId } = request.params as { modelId: string };
  const model = anthropicSimulatedModels.find((candidate) => candidate.id === modelId);
  const snapshot = model && anthropicSimulatedModels.find((candidate) => candidate.id === model.responseModel);
  if (!snapshot) return sendError(exchange, ANTHROPIC_ERRORS.unknownModel(modelId));
  sendJson(exchange, modelInfo(snapshot));
}

function modelInfo(model: AnthropicSimulatedModel): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: model.createdAt, max_input_tokens: model.contextWindow, max_tokens: model.maxOutputTokens };
}

/**
 * Authentication (`x-api-key`, or `Authorization: Bearer` as Anthropic also accepts for OAuth-style
 * tokens) and the required `anthropic-version` header. Any key is accepted.
 * @see https://docs.anthropic.com/en/api/overview#authentication
 */
function admit(headers: IncomingHttpHeaders): SimulatorError | undefined {
  const apiKey = headers['x-api-key'];
  const bearer = typeof headers.authorization === 'string' && /^Bearer\s+\S+/i.test(headers.authorization.trim());
  if (!(typeof apiKey === 'string' && apiKey.trim() !== '') && !bearer) return ANTHROPIC_ERRORS.missingApiKey();
  const version = headers['anthropic-version'];
  if (version === undefined || version === '') return ANTHROPIC_ERRORS.missingVersion();
  if (typeof version !== 'string' || !KNOWN_VERSIONS.includes(version)) return ANTHROPIC_ERRORS.invalidVersion(String(version));
  return undefined;
}

/** Anthropic's answers to a fault's status (529 `overloaded_error`, 429 with `retry-after`, …); a 200 fault's body is replayed as the JSON answer (a recorded or doctored message). */
function faultAnswers(exchange: Exchange): SimulatorFaultAnswers {
  return { sendError: (error) => sendError(exchange, error), faultError: (status) => ANTHROPIC_ERRORS.forStatus(status), replayBody: (body) => sendJson(exchange, body) };
}

function sendJson(exchange: Exchange, body: unknown): void {
  exchange.record.status = 200;
  exchange.response.writeHead(200, responseHeaders(exchange.record.id, false));
  exchange.response.end(JSON.stringify(body));
}

/** Every error body carries the `request_id` of the `request-id` header. @see https://docs.anthropic.com/en/api/errors#request-id */
function sendError(exchange: Exchange, error: SimulatorError): void {
  const requestId = requestIdOf(exchange.record.id);
  exchange.record.status = error.status;
  const body = isRecord(error.body) && error.body.type === 'error' ? { ...error.body, request_id: requestId } : error.body;
  exchange.response.writeHead(error.status, { ...responseHeaders(exchange.record.id, false), 'content-type': 'application/json', ...error.headers });
  exchange.response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function requestIdOf(sequence: number): string {
  return `req_011C${deterministicId(`anthropic-request:${sequence}`, 20)}`;
}

/** @see https://docs.anthropic.com/en/api/rate-limits#response-headers */
function responseHeaders(sequence: number, streamed: boolean, usage?: { input_tokens: number; output_tokens: number }): Record<string, string> {
  const reset = new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000).toISOString().replace('.000Z', 'Z');
  const inputTokens = usage?.input_tokens ?? 0;
  const outputTokens = usage?.output_tokens ?? 0;
  return {
    'content-type': streamed ? 'text/event-stream; charset=utf-8' : 'application/json',
    'request-id': requestIdOf(sequence),
    'anthropic-organization-id': deterministicUuid('anthropic-organization'),
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '2000000',
    'anthropic-ratelimit-input-tokens-remaining': String(2_000_000 - inputTokens),
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '400000',
    'anthropic-ratelimit-output-tokens-remaining': String(400_000 - outputTokens),
    'anthropic-ratelimit-output-tokens-reset': reset,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
