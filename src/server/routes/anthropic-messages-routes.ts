import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { parseJson } from '../../core/parse-json.ts';
import { decodeMessagesRequest } from '../../dialects/anthropic-messages/decode-messages-request.ts';
import { encodeMessagesResponse, newMessageId } from '../../dialects/anthropic-messages/encode-messages-response.ts';
import type { MessagesRequest } from '../../dialects/anthropic-messages/messages-api.ts';
import { countTokensRequestSchema, messagesRequestSchema } from '../../dialects/anthropic-messages/messages-request-schema.ts';
import { createMessagesStreamEncoder } from '../../dialects/anthropic-messages/messages-stream-encoder.ts';
import { createMessagesUsageTap, readMessagesUsage } from '../../dialects/anthropic-messages/read-messages-usage.ts';
import { addMessagesUsageCost } from '../../dialects/anthropic-messages/add-messages-usage-cost.ts';
import { dispatchChat } from '../../gateway/dispatch-chat.ts';
import { forwardWithRetries } from '../../gateway/forward-with-retries.ts';
import { mapUpstreamError } from '../../providers/map-upstream-error.ts';
import type { ProviderAdapter } from '../../providers/provider-adapter.ts';
import { formatSseEvent } from '../../streaming/format-sse-event.ts';
import { relayRawStream } from '../../streaming/relay-raw-stream.ts';
import type { Switchyard } from '../../switchyard.ts';
import { countJsonTokens } from '../../usage/count-json-tokens.ts';
import { estimateAbortedUsage } from '../../usage/estimate-aborted-usage.ts';
import { estimatePromptTokens } from '../../usage/estimate-prompt-tokens.ts';
import { writeStreamHead } from '../reply-helpers.ts';
import { answerDispatchedChat } from '../answer-dispatched-chat.ts';
import { withTracking, type TrackedRequest } from '../track-request.ts';

const MESSAGES_PATHS = ['/v1/gateway/claude/v1/messages', '/v1/messages'];
const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/**
 * The Anthropic Messages surface, for Anthropic SDK clients and Claude Code. Claude models get the
 * request passed through losslessly (thinking, cache control, betas, version headers); every other
 * model gets it translated to its provider and the answer back, stream included. Errors answer in
 * Anthropic's shape (route config `dialect`).
 */
export function registerAnthropicMessagesRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const config = { dialect: 'anthropic' as const };
  for (const path of MESSAGES_PATHS) {
    app.post(path, { config, schema: { body: messagesRequestSchema } }, (request, reply) => handleMessages(switchyard, request, reply));
    app.post(`${path}/count_tokens`, { config, schema: { body: countTokensRequestSchema } }, (request, reply) => handleCountTokens(switchyard, request, reply));
  }
}

async function handleMessages(switchyard: Switchyard, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const body = request.body as MessagesRequest;
  return withTracking(switchyard, request, reply, { surface: 'anthropic-messages', model: body.model, streamed: body.stream === true }, async (tracked) => {
    const { model, adapter } = switchyard.chat.resolve(body.model);
    tracked.provider = model.provider;
    if (adapter.nativeSurfaces.includes('anthropic-messages')) return passThrough(switchyard, request, reply, tracked, { model, adapter, path: '/v1/messages' });
    return translate(switchyard, request, reply, tracked, { model, adapter });
  });
}

/** Messages in, the hub chat request to any provider, Messages out. */
async function translate(
  switchyard: Switchyard,
  request: FastifyRequest,
  reply: FastifyReply,
  tracked: TrackedRequest,
  target: { model: CatalogModel; adapter: ProviderAdapter },
): Promise<unknown> {
  const body = request.body as MessagesRequest;
  const decoded = decodeMessagesRequest(body);
  switchyard.chat.checkCapabilities(target.model, decoded.request);
  await tracked.admit(target.model, body);
  const dispatched = await dispatchChat(target.adapter, { request: decoded.request, model: target.model, signal: tracked.signal, requestId: request.id }, { maxRetries: switchyard.config.maxRetries });
  return answerDispatchedChat(reply, tracked, dispatched, target.adapter, {
    request: decoded.request,
    adjustments: decoded.adjustments,
    encodeCompletion: (completion, usage, cost) => encodeMessagesResponse(completion, { model: body.model, usage, cost }),
    createStreamEncoder: () => createMessagesStreamEncoder({ messageId: newMessageId(), model: body.model }),
  });
}

/**
 * Claude models: the client's request as it came (model id mapped), the provider's answer as it
 * comes, usage tapped on the way; only the usage gets the gateway's `cost` added (the JSON's, or
 * the stream's `message_delta`).
 */
async function passThrough(
  switchyard: Switchyard,
  request: FastifyRequest,
  reply: FastifyReply,
  tracked: TrackedRequest,
  target: { model: CatalogModel; adapter: ProviderAdapter; path: string },
): Promise<unknown> {
  const body = request.body as MessagesRequest;
  await tracked.admit(target.model, body);
  const upstream = await forwardWithRetries(
    target.adapter,
    {
      method: 'POST',
      path: target.path,
      body: JSON.stringify(body.model === target.model.upstreamId ? body : { ...body, model: target.model.upstreamId }),
      headers: anthropicHeaders(request),
      signal: tracked.signal,
    },
    { maxRetries: switchyard.config.maxRetries },
  );
  const contentType = String(upstream.headers['content-type'] ?? '');
  const requestIdHeader = upstream.headers['request-id'];
  const passedHeaders: Record<string, string> = typeof requestIdHeader === 'string' ? { 'x-upstream-request-id': requestIdHeader } : {};

  if (upstream.status >= 400) {
    const text = await upstream.body.text();
    const parsed = parseJson<{ error?: { type?: string; message?: string } }>(text);
    const retryAfter = upstream.headers['retry-after'];
    throw mapUpstreamError({
      provider: target.model.provider,
      status: upstream.status,
      message: parsed.ok ? parsed.value?.error?.message : undefined,
      rawBody: text,
      retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      secrets: [switchyard.config.providers[target.model.provider]?.apiKey],
    });
  }

  if (contentType.includes('text/event-stream')) {
    writeStreamHead(reply, passedHeaders);
    const tap = createMessagesUsageTap();
    let firstTokenAt: number | undefined;
    const outcome = await relayRawStream({
      response: reply.raw,
      body: upstream.body,
      onEvent: (event) => {
        if (firstTokenAt === undefined && event.event === 'content_block_delta') firstTokenAt = performance.now();
        tap.observe(event);
      },
      rewrite: (event) => {
        if (event.event !== 'message_delta') return undefined;
        const data = addMessagesUsageCost(event.data, tracked.price(tap.usage()));
        return data === undefined ? undefined : formatSseEvent(data, event.event);
      },
    });
    const status = outcome === 'completed' ? 200 : outcome === 'client_aborted' ? 499 : 502;
    const usage = outcome === 'completed' ? tap.usage() : estimateAbortedUsage(tap.usage(), tap.relayedOutput(), () => estimateMessagesPrompt(body));
    tracked.finish(status, { usage, timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - tracked.startedAt });
    return reply;
  }

  const text = await upstream.body.text();
  const parsed = parseJson<{ usage?: Record<string, number> }>(text);
  const cost = tracked.finish(upstream.status, { usage: parsed.ok ? readMessagesUsage(parsed.value?.usage) : undefined, timeToFirstTokenMs: performance.now() - tracked.startedAt });
  return reply
    .status(upstream.status)
    .headers(passedHeaders)
    .type(contentType || 'application/json')
    .send(addMessagesUsageCost(text, cost) ?? text);
}

/** The prompt of a passed-through request that ended early without Anthropic reporting its input: the hub estimate, or its JSON counted when it cannot be translated. */
function estimateMessagesPrompt(body: MessagesRequest): number {
  try {
    return estimatePromptTokens(decodeMessagesRequest(body).request);
  } catch {
    return countJsonTokens({ system: body.system, messages: body.messages, tools: body.tools });
  }
}

/** Token counting: Claude models ask Anthropic (free); the others get an estimate from a real tokenizer. */
async function handleCountTokens(switchyard: Switchyard, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const body = request.body as MessagesRequest;
  const { model, adapter } = switchyard.chat.resolve(body.model);
  if (adapter.nativeSurfaces.includes('anthropic-messages')) {
    const cancel = new AbortController();
    const upstream = await forwardWithRetries(
      adapter,
      { method: 'POST', path: '/v1/messages/count_tokens', body: JSON.stringify({ ...body, model: model.upstreamId }), headers: anthropicHeaders(request), signal: cancel.signal },
      { maxRetries: switchyard.config.maxRetries },
    );
    const text = await upstream.body.text();
    if (upstream.status >= 400) {
      const parsed = parseJson<{ error?: { message?: string } }>(text);
      throw mapUpstreamError({ provider: model.provider, status: upstream.status, message: parsed.ok ? parsed.value?.error?.message : undefined, rawBody: text, secrets: [switchyard.config.providers[model.provider]?.apiKey] });
    }
    return reply.type('application/json').send(text);
  }
  const decoded = decodeMessagesRequest({ ...body, max_tokens: body.max_tokens ?? 1 });
  return { input_tokens: estimatePromptTokens(decoded.request) };
}

/** The client's Anthropic headers the provider must see; its key never leaves the gateway. */
function anthropicHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': typeof request.headers['anthropic-version'] === 'string' ? request.headers['anthropic-version'] : DEFAULT_ANTHROPIC_VERSION,
  };
  const beta = request.headers['anthropic-beta'];
  if (beta) headers['anthropic-beta'] = Array.isArray(beta) ? beta.join(',') : beta;
  return headers;
}
