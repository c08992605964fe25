import type { FastifyInstance, FastifyRequest } from 'fastify';
import { applySimulatorFault } from '../apply-simulator-fault.ts';
import { deterministicId } from '../deterministic-id.ts';
import type { ServerSentEvent } from '../encode-server-sent-event.ts';
import { openaiSimulatorProfile } from '../openai-simulator-profile.ts';
import { simulateTurn } from '../simulate-turn.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import type { SimulatorError } from '../simulator-error.ts';
import { writeSimulatorStream } from '../write-simulator-stream.ts';
import { buildSimulatedResponse, type SimulatedResponse } from './build-simulated-response.ts';
import { checkResponsesModelRules } from './check-responses-model-rules.ts';
import { checkResponsesRequest } from './check-responses-request.ts';
import { convertResponsesRequestToChat } from './convert-responses-request-to-chat.ts';
import { renderResponseEvents, renderResponseFailureEvents, type ResponseStreamEvent } from './render-response-events.ts';
import { renderResponseObject } from './render-response-object.ts';
import { responsesError } from './responses-error.ts';
import type { ResponsesRequestBody } from './responses-request-body.ts';

/**
 * How long a background response stays `queued` before it completes, unless a fault's
 * `firstByteDelayMs` says otherwise (a long one keeps it queued for a cancel test).
 */
export const BACKGROUND_COMPLETION_DELAY_MS = 25;

const profile = openaiSimulatorProfile;
const basePath = profile.basePath;

/**
 * OpenAI's Responses API on the simulator's OpenAI base URL: create (JSON, SSE stream, or
 * `background`), retrieve, cancel and delete, with responses kept in memory so
 * `previous_response_id` chains and background polling work. Answers come from the same engine
 * as the chat simulators.
 * @see https://platform.openai.com/docs/api-reference/responses
 */
export function registerOpenAIResponsesSimulator(app: FastifyInstance, context: SimulatorContext): void {
  const responses = new Map<string, SimulatedResponse>();
  const timers = new Map<string, NodeJS.Timeout>();
  app.addHook('onClose', async () => {
    for (const timer of timers.values()) clearTimeout(timer);
  });

  app.post(`${basePath}/responses`, async (request, reply) => {
    const exchange = context.beginExchange('openai', request, reply);
    if (!hasBearerKey(request)) return sendError(exchange, profile.authenticationError());
    if (!exchange.body.ok) return sendError(exchange, profile.invalidJsonError());
    const body = exchange.body.value as Record<string, unknown> | null;
    const background = body?.background === true;
    const preamble = await applySimulatorFault(context, exchange, body?.model, {
      sendError: (error) => sendError(exchange, error),
      faultError: (status) => profile.faultError(status),
      unstreamedBreakError: () => profile.faultError(500),
      // A 200 fault's body is replayed as the JSON answer (a recorded or doctored response object).
      replayBody: (replayed) => sendJson(exchange, replayed),
      // A background response spends the delay queued instead.
      delayFirstByte: !background,
    });
    if (preamble.answered) return;
    const { fault } = preamble;

    const checked = checkResponsesRequest(body);
    if (!checked.ok) return sendError(exchange, checked.error);
    const responsesRequest = checked.request;
    const model = profile.findModel(responsesRequest.model);
    if (!model) return sendError(exchange, responsesError(400, `The requested model '${responsesRequest.model}' does not exist.`, 'model', 'model_not_found'));
    const refusal = checkResponsesModelRules(responsesRequest, model);
    if (refusal) return sendError(exchange, refusal);
    const previousId = responsesRequest.previous_response_id;
    const previous = previousId ? responses.get(previousId) : undefined;
    if (previousId && !previous) {
      return sendError(exchange, responsesError(400, `Previous response with id '${previousId}' not found.`, 'previous_response_id', 'previous_response_not_found'));
    }
    const referenced = resolveItemReferences(responsesRequest, responses);
    if (!referenced.ok) return sendError(exchange, referenced.error);
    const conversion = convertResponsesRequestToChat(referenced.request, previous?.conversation ?? []);
    if (!conversion.ok) return sendError(exchange, conversion.error);

    const turn = simulateTurn(conversion.chatRequest, model, profile, { sequence: exchange.record.id, promptCache: context.promptCache });
    const simulated = buildSimulatedResponse(turn, responsesRequest, conversion.conversation);
    if (responsesRequest.store !== false || background) responses.set(simulated.id, simulated);
    const headers = { ...profile.responseHeaders(turn, exchange.record.streamed), ...(fault?.headers ?? {}) };

    if (background && !exchange.record.streamed) {
      const { status, output, usage, incompleteDetails } = simulated;
      simulated.pending = { status, output, usage, incompleteDetails };
      Object.assign(simulated, { status: 'queued', output: [], usage: null, incompleteDetails: null, completedAt: null });
      const timer = setTimeout(() => {
        timers.delete(simulated.id);
        Object.assign(simulated, simulated.pending, { pending: undefined, completedAt: Math.floor(Date.now() / 1000) });
      }, fault?.firstByteDelayMs ?? BACKGROUND_COMPLETION_DELAY_MS);
      timers.set(simulated.id, timer);
    }
    exchange.record.status = 200;
    if (!exchange.record.streamed) {
      exchange.response.writeHead(200, headers);
      exchange.response.end(JSON.stringify(renderResponseObject(simulated), null, 2));
      return;
    }
    // Named events with their JSON, and no `[DONE]`: the stream ends after `response.completed`.
    await writeSimulatorStream(exchange, {
      headers,
      events: renderResponseEvents(simulated).map(namedEvent),
      fault,
      errorEvents: (sequence) => renderResponseFailureEvents(simulated, sequence).map(namedEvent),
    });
  });

  app.get(`${basePath}/responses/:responseId`, async (request, reply) => {
    const exchange = context.beginExchange('openai', request, reply);
    if (!hasBearerKey(request)) return sendError(exchange, profile.authenticationError());
    const found = findResponse(request);
    if (!found.ok) return sendError(exchange, found.error);
    sendJson(exchange, renderResponseObject(found.response));
  });

  // @see https://platform.openai.com/docs/api-reference/responses/cancel
  app.post(`${basePath}/responses/:responseId/cancel`, async (request, reply) => {
    const exchange = context.beginExchange('openai', request, reply);
    if (!hasBearerKey(request)) return sendError(exchange, profile.authenticationError());
    const found = findResponse(request);
    if (!found.ok) return sendError(exchange, found.error);
    const { response } = found;
    // Only background responses can be cancelled; cancelling a finished one returns it unchanged.
    if (!response.background) return sendError(exchange, responsesError(400, 'Cannot cancel a synchronous response.', null, null));
    if (response.status === 'queued' || response.status === 'in_progress') {
      clearTimeout(timers.get(response.id));
      timers.delete(response.id);
      Object.assign(response, { status: 'cancelled', pending: undefined });
    }
    sendJson(exchange, renderResponseObject(response));
  });

  app.delete(`${basePath}/responses/:responseId`, async (request, reply) => {
    const exchange = context.beginExchange('openai', request, reply);
    if (!hasBearerKey(request)) return sendError(exchange, profile.authenticationError());
    const found = findResponse(request);
    if (!found.ok) return sendError(exchange, found.error);
    clearTimeout(timers.get(found.response.id));
    timers.delete(found.response.id);
    responses.delete(found.response.id);
    sendJson(exchange, { id: found.response.id, object: 'response.deleted', deleted: true });
  });

  // Every item that went into the response, the previous_response_id chain included; a cursor page, newest first by default.
  // @see https://platform.openai.com/docs/api-reference/responses/input-items
  app.get(`${basePath}/responses/:responseId/input_items`, async (request, reply) => {
    const exchange = context.beginExchange('openai', request, reply);
    if (!hasBearerKey(request)) return sendError(exchange, profile.authenticationError());
    const found = findResponse(request);
    if (!found.ok) return sendError(exchange, found.error);
    const chain: SimulatedResponse[] = [];
    for (let response: SimulatedResponse | undefined = found.response; response; response = responses.get(String(response.request.previous_response_id ?? ''))) chain.unshift(response);
    const items = chain.flatMap((response, index) => [
      ...listedInput(response),
      ...(index < chain.length - 1 ? (response.output as Record<string, unknown>[]) : []),
    ]);
    const query = request.query as { order?: string; limit?: string; after?: string };
    if (query.order !== 'asc') items.reverse();
    const limit = Math.min(100, Math.max(1, Number(query.limit ?? 20) || 20));
    const start = query.after ? items.findIndex((item) => item.id === query.after) + 1 : 0;
    const page = items.slice(start, start + limit);
    sendJson(exchange, { object: 'list', data: page, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: start + limit < items.length });
  });

  function findResponse(request: FastifyRequest): { ok: true; response: SimulatedResponse } | { ok: false; error: SimulatorError } {
    const { responseId } = request.params as { responseId: string };
    const response = responses.get(responseId);
    return response ? { ok: true, response } : { ok: false, error: responsesError(404, `Response with id '${responseId}' not found.`, null, null) };
  }
}

/** `event: response.output_text.delta` with `data: {"type":"response.output_text.delta",…}`. */
function namedEvent(event: ResponseStreamEvent): ServerSentEvent {
  return { event: event.type, data: JSON.stringify(event.data) };
}

function sendJson(exchange: Exchange, body: unknown): void {
  exchange.record.status = 200;
  exchange.response.writeHead(200, profile.responseHeaders(undefined, false));
  exchange.response.end(JSON.stringify(body, null, 2));
}

function sendError(exchange: Exchange, error: SimulatorError): void {
  exchange.record.status = error.status;
  exchange.response.writeHead(error.status, { ...profile.responseHeaders(undefined, false), 'content-type': 'application/json', ...error.headers });
  exchange.response.end(typeof error.body === 'string' ? error.body : JSON.stringify(error.body));
}

/** OpenAI accepts any key here, but it must come as `Authorization: Bearer <key>`. */
function hasBearerKey(request: FastifyRequest): boolean {
  const authorization = request.headers.authorization;
  return typeof authorization === 'string' && /^Bearer\s+\S+/i.test(authorization.trim());
}

/**
 * `item_reference` input items replaced by the stored item they name (an output item of a stored
 * response); a reference to an item OpenAI does not hold is a 404, in OpenAI's wording.
 */
function resolveItemReferences(request: ResponsesRequestBody, responses: Map<string, SimulatedResponse>): { ok: true; request: ResponsesRequestBody } | { ok: false; error: SimulatorError } {
  if (!Array.isArray(request.input) || !request.input.some((item) => item.type === 'item_reference')) return { ok: true, request };
  const input = [];
  for (const item of request.input) {
    if (item.type !== 'item_reference') {
      input.push(item);
      continue;
    }
    const found = [...responses.values()].flatMap((response) => response.output as { id?: string }[]).find((output) => output.id === item.id);
    if (!found) {
      return { ok: false, error: responsesError(404, `Item with id '${String(item.id)}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`, 'input', null) };
    }
    input.push(found as typeof item);
  }
  return { ok: true, request: { ...request, input } };
}

/** A response's own input items as OpenAI lists them: each with an id, messages with content parts. */
function listedInput(response: SimulatedResponse): Record<string, unknown>[] {
  const input = typeof response.request.input === 'string' ? [{ role: 'user', content: response.request.input }] : (response.request.input ?? []);
  return input.map((item, index) => {
    const id = typeof item.id === 'string' ? item.id : `msg_${deterministicId(`openai-responses:input:${response.id}:${index}`, 50, '0123456789abcdef')}`;
    if ((item.type ?? 'message') !== 'message') return { ...item, id };
    const content = typeof item.content === 'string' ? [{ type: item.role === 'assistant' ? 'output_text' : 'input_text', text: item.content }] : item.content;
    return { id, type: 'message', role: item.role, content, ...(item.role === 'assistant' ? { status: 'completed' } : {}) };
  });
}
