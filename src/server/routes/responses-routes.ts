import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { decodeResponsesRequest } from '../../dialects/openai-responses/decode-responses-request.ts';
import { encodeResponsesResponse } from '../../dialects/openai-responses/encode-responses-response.ts';
import { newResponsesId } from '../../dialects/openai-responses/new-responses-id.ts';
import { addResponsesUsageCost } from '../../dialects/openai-responses/add-responses-usage-cost.ts';
import { readResponsesUsage } from '../../dialects/openai-responses/read-responses-usage.ts';
import type { ResponseObject, ResponsesRequest } from '../../dialects/openai-responses/responses-api.ts';
import { responsesRequestSchema } from '../../dialects/openai-responses/responses-request-schema.ts';
import { createResponsesStreamEncoder } from '../../dialects/openai-responses/responses-stream-encoder.ts';
import { createResponsesStreamTap } from '../../dialects/openai-responses/tap-responses-stream.ts';
import { dispatchChat } from '../../gateway/dispatch-chat.ts';
import { forwardWithRetries } from '../../gateway/forward-with-retries.ts';
import { mapUpstreamError, scrubSecrets } from '../../providers/map-upstream-error.ts';
import type { ForwardRequest, ProviderAdapter } from '../../providers/provider-adapter.ts';
import { toGatewayTransportError, type UpstreamResponse } from '../../providers/upstream-client.ts';
import type { AuthenticatedKey, ResponseRecord } from '../../store/store.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { relayRawStream } from '../../streaming/relay-raw-stream.ts';
import type { Switchyard } from '../../switchyard.ts';
import { countJsonTokens } from '../../usage/count-json-tokens.ts';
import { estimateAbortedUsage } from '../../usage/estimate-aborted-usage.ts';
import { writeStreamHead } from '../reply-helpers.ts';
import { answerDispatchedChat } from '../answer-dispatched-chat.ts';
import { withTracking, type TrackedRequest } from '../track-request.ts';

/** The gateway path (FastAPI style, trailing slash optional) and the plain OpenAI path. */
export const RESPONSES_PATHS = ['/v1/gateway/responses', '/v1/responses'];

const FINAL_STATUSES = new Set(['completed', 'incomplete', 'failed', 'cancelled']);
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * OpenAI's Responses API. Create, in order: authenticate (onRequest hook) → validate (route
 * schema) → resolve the model → admit (limits, credit reservation) → for models whose provider speaks Responses (OpenAI): pass the
 * request through, remember which organization owns the new response id, relay the JSON or the
 * event stream while tapping its usage; for every other model: decode to the hub chat request →
 * dispatch (with retries) → encode a Response or its event stream → settle (cost, usage record and debit).
 * Retrieve, cancel and delete: find the response's owner (another organization's id is a 404) →
 * forward to the provider that created it → relay; a background response's tokens are recorded
 * (and charged, without admission) once, by the first call that sees it finished.
 */
export function registerResponsesRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const ownership = new ResponseOwnership(switchyard);
  for (const path of RESPONSES_PATHS) {
    app.post(path, { schema: { body: responsesRequestSchema } }, (request, reply) => handleCreate(switchyard, ownership, request, reply));
    app.get(`${path}/:responseId`, (request, reply) => handleStoredResponse(switchyard, ownership, request, reply, { method: 'GET', suffix: '' }));
    app.post(`${path}/:responseId/cancel`, (request, reply) => handleStoredResponse(switchyard, ownership, request, reply, { method: 'POST', suffix: '/cancel' }));
    app.delete(`${path}/:responseId`, (request, reply) => handleStoredResponse(switchyard, ownership, request, reply, { method: 'DELETE', suffix: '' }));
  }
}

async function handleCreate(switchyard: Switchyard, ownership: ResponseOwnership, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const body = request.body as ResponsesRequest;
  return withTracking(switchyard, request, reply, { surface: 'openai-responses', model: body.model, streamed: body.stream === true }, async (tracked) => {
    const { model, adapter } = switchyard.chat.resolve(body.model);
    tracked.provider = model.provider;
    if (adapter.nativeSurfaces.includes('openai-responses') && adapter.forward) return passThrough(switchyard, ownership, request, reply, tracked, { model, adapter });
    return translate(switchyard, request, reply, tracked, { model, adapter });
  });
}

/** OpenAI models: the client's request as it came (model id mapped), OpenAI's answer as it comes. */
async function passThrough(
  switchyard: Switchyard,
  ownership: ResponseOwnership,
  request: FastifyRequest,
  reply: FastifyReply,
  tracked: TrackedRequest,
  target: { model: CatalogModel; adapter: ProviderAdapter },
): Promise<unknown> {
  const body = request.body as ResponsesRequest;
  const principal = request.principal!;
  refuseUnverifiableReferences(body);
  if (body.previous_response_id) {
    const previous = await ownership.find(body.previous_response_id, principal);
    if (!previous || previous.provider !== target.model.provider) throw GATEWAY_ERRORS.previousResponseNotFound(body.previous_response_id);
  }
  await tracked.admit(target.model, body);
  const upstream = await forward(switchyard, target.adapter, {
    method: 'POST',
    path: '/responses',
    body: JSON.stringify(body.model === target.model.upstreamId ? body : { ...body, model: target.model.upstreamId }),
    headers: { 'content-type': 'application/json' },
    signal: tracked.signal,
  });
  return relayUpstream(switchyard, reply, tracked, upstream, {
    onCreated: (id, background) => {
      const createdAt = Date.now();
      // A foreground response's tokens are recorded by this very request; a background one's by the first poll that sees it finish.
      ownership.record({ id, organizationId: principal.organizationId, apiKeyId: principal.id, provider: target.model.provider, model: body.model, createdAt, usageRecordedAt: background ? null : createdAt });
    },
    claimUsage: (id, background) => (background ? ownership.claimUsage(id) : Promise.resolve(true)),
    estimatePrompt: () => countJsonTokens({ instructions: body.instructions, input: body.input, tools: body.tools }),
  });
}

/** Every other model: the Responses request as a hub chat request, the provider's answer as a Response. */
async function translate(switchyard: Switchyard, request: FastifyRequest, reply: FastifyReply, tracked: TrackedRequest, target: { model: CatalogModel; adapter: ProviderAdapter }): Promise<unknown> {
  const body = request.body as ResponsesRequest;
  const decoded = decodeResponsesRequest(body, body.model);
  switchyard.chat.checkCapabilities(target.model, decoded.request);
  await tracked.admit(target.model, body);
  const dispatched = await dispatchChat(target.adapter, { request: decoded.request, model: target.model, signal: tracked.signal, requestId: request.id }, { maxRetries: switchyard.config.maxRetries });
  const identity = { id: newResponsesId('resp'), createdAt: Math.floor(Date.now() / 1000), model: body.model, request: body };
  return answerDispatchedChat(reply, tracked, dispatched, target.adapter, {
    request: decoded.request,
    adjustments: decoded.adjustments,
    encodeCompletion: (completion, usage, cost) => encodeResponsesResponse(completion, { ...identity, usage, cost }),
    createStreamEncoder: () => createResponsesStreamEncoder(identity),
  });
}

/** Retrieve, cancel or delete a response: only its own organization sees it, and only its provider is asked. */
async function handleStoredResponse(
  switchyard: Switchyard,
  ownership: ResponseOwnership,
  request: FastifyRequest,
  reply: FastifyReply,
  operation: { method: ForwardRequest['method']; suffix: '' | '/cancel' },
): Promise<unknown> {
  const { responseId } = request.params as { responseId: string };
  const record = await ownership.find(responseId, request.principal!);
  const queryStart = request.url.indexOf('?');
  const query = queryStart >= 0 ? request.url.slice(queryStart) : '';
  return withTracking(switchyard, request, reply, { surface: 'openai-responses', model: record?.model ?? '', streamed: /[?&]stream=true\b/.test(query) }, async (tracked) => {
    if (!record) throw GATEWAY_ERRORS.responseNotFound(responseId);
    tracked.provider = record.provider;
    // Not admitted (a poll calls no model), but a background response's tokens are priced at its model when this poll records them.
    tracked.model = switchyard.catalog.find(record.model);
    const adapter = switchyard.adapters.get(record.provider);
    if (!adapter?.forward) throw GATEWAY_ERRORS.providerNotConfigured(record.model, record.provider);
    const upstream = await forward(switchyard, adapter, {
      method: operation.method,
      path: `/responses/${encodeURIComponent(responseId)}${operation.suffix}${query}`,
      headers: {},
      signal: tracked.signal,
    });
    return relayUpstream(switchyard, reply, tracked, upstream, { claimUsage: (id) => ownership.claimUsage(id) });
  });
}

interface RelayHooks {
  /** On a create: the provider named the new response's id. Called as soon as it is known, without holding up the relay. */
  onCreated?: (id: string, background: boolean) => void;
  /** Whether this request records the tokens of the finished response `id` (each response's tokens are recorded once). */
  claimUsage: (id: string, background: boolean) => Promise<boolean>;
  /** On a create: the prompt's tokens, for a stream that ends early without OpenAI's usage (it is then billed for what it relayed). */
  estimatePrompt?: () => number;
}

/**
 * Relays the provider's answer as it came: a JSON body with its status, or the event stream chunk
 * by chunk (the events are parsed on the side for the response id and usage, never rebuilt); only
 * the usage gets the gateway's `cost` added (the JSON's, or the final lifecycle event's).
 */
async function relayUpstream(switchyard: Switchyard, reply: FastifyReply, tracked: TrackedRequest, upstream: UpstreamResponse, hooks: RelayHooks): Promise<unknown> {
  if (upstream.status >= 400) return relayUpstreamError(switchyard, reply, tracked, upstream);
  const contentType = String(upstream.headers['content-type'] ?? '');
  if (contentType.includes('text/event-stream')) {
    writeStreamHead(reply);
    const tap = createResponsesStreamTap();
    const outcome = await relayRawStream({
      response: reply.raw,
      body: upstream.body,
      onEvent: (event) => {
        if (tap.observe(event) === 'created') hooks.onCreated?.(tap.responseId!, tap.background);
      },
      rewrite: (event) => {
        if (!FINAL_EVENTS.has(event.event ?? '') || tap.usage === undefined) return undefined;
        const data = addResponsesUsageCost(event.data, tracked.price(tap.usage));
        return data === undefined ? undefined : formatSseEvent(data, event.event);
      },
    });
    const claimed = tap.finished && tap.usage !== undefined && tap.responseId !== undefined && (await hooks.claimUsage(tap.responseId, tap.background));
    const status = outcome === 'completed' ? 200 : outcome === 'client_aborted' ? 499 : 502;
    const endedEarly = !tap.finished && !tap.background && hooks.estimatePrompt !== undefined;
    tracked.finish(status, {
      usage: claimed ? tap.usage : endedEarly ? estimateAbortedUsage(tap.usage, tap.relayedOutput(), hooks.estimatePrompt!) : undefined,
      errorCode: outcome === 'failed' ? 'upstream_stream_interrupted' : undefined,
      timeToFirstTokenMs: tap.firstOutputAt === undefined ? undefined : tap.firstOutputAt - tracked.startedAt,
    });
    return reply;
  }

  const text = await readText(tracked, upstream);
  const parsed = parseJson<Partial<ResponseObject>>(text);
  const response = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? parsed.value : undefined;
  const id = typeof response?.id === 'string' ? response.id : undefined;
  const background = response?.background === true;
  if (id) hooks.onCreated?.(id, background);
  const finished = id !== undefined && FINAL_STATUSES.has(String(response?.status)) && response?.usage;
  const claimed = finished && (await hooks.claimUsage(id, background));
  const cost = tracked.finish(upstream.status, { usage: claimed ? readResponsesUsage(response?.usage) : undefined, timeToFirstTokenMs: performance.now() - tracked.startedAt });
  return reply
    .status(upstream.status)
    .type(contentType || 'application/json')
    .send((claimed && addResponsesUsageCost(text, cost)) || text);
}

/**
 * OpenAI's refusals (an unknown model, a response that cannot be cancelled, a
 * `previous_response_not_found`) reach the client as OpenAI wrote them, codes included, since
 * clients act on those codes; the gateway's key is scrubbed. Rejected credentials and provider
 * failures become the gateway's own errors, as on every other route.
 */
async function relayUpstreamError(switchyard: Switchyard, reply: FastifyReply, tracked: TrackedRequest, upstream: UpstreamResponse): Promise<unknown> {
  const provider = tracked.provider;
  const secrets = [switchyard.config.providers[provider]?.apiKey];
  const text = await readText(tracked, upstream).catch(() => '');
  const parsed = parseJson<{ error?: { message?: string; param?: string | null; code?: string | null } }>(text);
  const error = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? parsed.value.error : undefined;
  const retryAfter = upstream.headers['retry-after'];
  if (upstream.status === 401 || upstream.status === 403 || upstream.status >= 500 || !error || typeof error.message !== 'string') {
    throw mapUpstreamError({ provider, status: upstream.status, message: error?.message, param: error?.param, rawBody: text, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, secrets });
  }
  if (typeof retryAfter === 'string') reply.header('retry-after', retryAfter);
  tracked.finish(upstream.status, { errorCode: typeof error.code === 'string' ? error.code : 'upstream_invalid_request' });
  return reply.status(upstream.status).type('application/json').send(scrubSecrets(text, secrets));
}

/**
 * Conversations and item references name state stored under the gateway's own provider account,
 * which the gateway cannot tie to an organization: refused, so no tenant reads another's items.
 */
function refuseUnverifiableReferences(body: ResponsesRequest): void {
  if (body.conversation !== undefined && body.conversation !== null) throw GATEWAY_ERRORS.responsesReferenceRefused('conversation', 'conversation');
  if (!Array.isArray(body.input)) return;
  const index = body.input.findIndex((item) => (item as { type?: string }).type === 'item_reference');
  if (index >= 0) throw GATEWAY_ERRORS.responsesReferenceRefused('item_reference input items', `input[${index}]`);
}

function forward(switchyard: Switchyard, adapter: ProviderAdapter, request: ForwardRequest): Promise<UpstreamResponse> {
  return forwardWithRetries(adapter, request, { maxRetries: switchyard.config.maxRetries });
}

async function readText(tracked: TrackedRequest, upstream: UpstreamResponse): Promise<string> {
  try {
    return await upstream.body.text();
  } catch (error) {
    throw toGatewayTransportError(tracked.provider, error, tracked.signal);
  }
}


/**
 * Which organization created which response. Written once per create, as soon as the provider
 * names the id, without holding up the relay; a lookup waits for a write still in flight, so a
 * client that polls at once still finds its response.
 */
class ResponseOwnership {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly switchyard: Switchyard) {}

  record(record: ResponseRecord): void {
    const write = this.switchyard.store
      .insertResponseRecord(record)
      .catch((error: unknown) => this.switchyard.logger.error({ err: error, responseId: record.id }, 'could not record the owner of a response'))
      .finally(() => this.pending.delete(record.id));
    this.pending.set(record.id, write);
  }

  /** The response's record when this principal's organization created it; undefined otherwise, whoever else did. */
  async find(id: string, principal: AuthenticatedKey): Promise<ResponseRecord | undefined> {
    await this.pending.get(id);
    const record = await this.switchyard.store.findResponseRecord(id);
    return record?.organizationId === principal.organizationId ? record : undefined;
  }

  async claimUsage(id: string): Promise<boolean> {
    await this.pending.get(id);
    return this.switchyard.store.markResponseUsageRecorded(id, Date.now());
  }
}
