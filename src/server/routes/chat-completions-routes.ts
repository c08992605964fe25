import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatRequest } from '../../core/chat-types.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import type { TokenUsage } from '../../core/usage.ts';
import { chatRequestSchema } from '../../dialects/openai-chat/chat-request-schema.ts';
import { createOpenAIChatStreamEncoder } from '../../dialects/openai-chat/openai-chat-stream-encoder.ts';
import { dispatchChat } from '../../gateway/dispatch-chat.ts';
import type { Adjustment } from '../../providers/provider-adapter.ts';
import { relayChatStream } from '../../streaming/relay-chat-stream.ts';
import { buildUsageRecord } from '../../usage/build-usage-record.ts';
import type { Switchyard } from '../../switchyard.ts';

/** The seed's legacy path, the gateway path, and the plain OpenAI path: one handler. */
export const CHAT_COMPLETIONS_PATHS = ['/v1/api/openai/chat/completions', '/v1/gateway/chat/completions', '/v1/chat/completions'];

/**
 * OpenAI Chat Completions. The request's phases, in order:
 * authenticate (onRequest hook) → validate (route schema) → resolve the model → dispatch to the
 * provider (with retries) → relay the answer → record usage.
 */
export function registerChatCompletionsRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  for (const path of CHAT_COMPLETIONS_PATHS) {
    app.post(path, { schema: { body: chatRequestSchema } }, (request, reply) => handleChatCompletion(switchyard, request, reply));
  }
}

async function handleChatCompletion(switchyard: Switchyard, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const principal = request.principal!;
  const body = request.body as ChatRequest;
  const startedAt = performance.now();
  const streamed = body.stream === true;
  let provider = '';

  const record = (status: number, fields: { usage?: TokenUsage; errorCode?: string; timeToFirstTokenMs?: number } = {}) => {
    const usageRecord = buildUsageRecord({ requestId: request.id, principal, surface: 'openai-chat', model: body.model, provider, status, streamed, startedAt, ...fields });
    switchyard.usage.record(usageRecord);
    request.log.info({ organization: principal.organizationName, model: body.model, provider, status, streamed, latencyMs: usageRecord.latencyMs }, 'chat completion');
  };

  // A client that goes away cancels the provider call.
  const cancel = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) cancel.abort();
  };
  reply.raw.on('close', onClose);
  try {
    const { model, adapter } = switchyard.chat.resolve(body.model);
    provider = model.provider;
    switchyard.chat.checkCapabilities(model, body);
    const dispatched = await dispatchChat(
      adapter,
      { request: body, model, signal: cancel.signal, requestId: request.id },
      { maxRetries: switchyard.config.maxRetries },
    );
    setAdjustmentsHeader(reply, dispatched.adjustments);

    if (dispatched.kind === 'completion') {
      const usage = adapter.readUsage(dispatched.completion.usage);
      record(200, { usage, timeToFirstTokenMs: performance.now() - startedAt });
      return reply.send(dispatched.completion);
    }

    reply.hijack();
    reply.raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const outcome = await relayChatStream({
      response: reply.raw,
      first: dispatched.first,
      events: dispatched.events,
      encoder: createOpenAIChatStreamEncoder({ includeUsage: body.stream_options?.include_usage === true }),
      startedAt,
      readUsage: (usage) => adapter.readUsage(usage),
    });
    const status = outcome.status === 'completed' ? 200 : outcome.status === 'client_aborted' ? 499 : outcome.error!.status;
    record(status, { usage: outcome.usage, errorCode: outcome.error?.code, timeToFirstTokenMs: outcome.timeToFirstTokenMs });
    return reply;
  } catch (error) {
    if (cancel.signal.aborted) {
      record(499, { errorCode: 'client_closed_request' });
      return reply.hijack();
    }
    record(error instanceof GatewayError ? error.status : 500, { errorCode: error instanceof GatewayError ? error.code : 'internal_error' });
    throw error;
  } finally {
    reply.raw.off('close', onClose);
  }
}

/** Every parameter the gateway changed is reported, never applied silently. */
function setAdjustmentsHeader(reply: FastifyReply, adjustments: Adjustment[]): void {
  if (adjustments.length === 0) return;
  reply.header('x-switchyard-adjustments', adjustments.map((adjustment) => `${adjustment.parameter} ${adjustment.action}: ${adjustment.reason}`).join('; '));
}
