import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatRequest } from '../../core/chat-types.ts';
import { GatewayError } from '../../core/gateway-error.ts';
import { chatRequestSchema } from '../../dialects/openai-chat/chat-request-schema.ts';
import { createOpenAIChatStreamEncoder } from '../../dialects/openai-chat/openai-chat-stream-encoder.ts';
import { dispatchChat } from '../../gateway/dispatch-chat.ts';
import { relayChatStream } from '../../streaming/relay-chat-stream.ts';
import type { Switchyard } from '../../switchyard.ts';
import { setAdjustmentsHeader, writeStreamHead } from '../reply-helpers.ts';
import { trackRequest } from '../track-request.ts';

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
  const body = request.body as ChatRequest;
  const tracked = trackRequest(switchyard, request, reply, { surface: 'openai-chat', model: body.model, streamed: body.stream === true });
  try {
    const { model, adapter } = switchyard.chat.resolve(body.model);
    tracked.provider = model.provider;
    switchyard.chat.checkCapabilities(model, body);
    const dispatched = await dispatchChat(adapter, { request: body, model, signal: tracked.signal, requestId: request.id }, { maxRetries: switchyard.config.maxRetries });
    setAdjustmentsHeader(reply, dispatched.adjustments);

    if (dispatched.kind === 'completion') {
      tracked.finish(200, { usage: adapter.readUsage(dispatched.completion.usage), timeToFirstTokenMs: performance.now() - tracked.startedAt });
      return reply.send(dispatched.completion);
    }

    writeStreamHead(reply);
    const outcome = await relayChatStream({
      response: reply.raw,
      first: dispatched.first,
      events: dispatched.events,
      encoder: createOpenAIChatStreamEncoder({ includeUsage: body.stream_options?.include_usage === true }),
      startedAt: tracked.startedAt,
      readUsage: (usage) => adapter.readUsage(usage),
    });
    const status = outcome.status === 'completed' ? 200 : outcome.status === 'client_aborted' ? 499 : outcome.error!.status;
    tracked.finish(status, { usage: outcome.usage, errorCode: outcome.error?.code, timeToFirstTokenMs: outcome.timeToFirstTokenMs });
    return reply;
  } catch (error) {
    if (tracked.signal.aborted) {
      tracked.finish(499, { errorCode: 'client_closed_request' });
      return reply.hijack();
    }
    tracked.finish(error instanceof GatewayError ? error.status : 500, { errorCode: error instanceof GatewayError ? error.code : 'internal_error' });
    throw error;
  } finally {
    tracked.dispose();
  }
}
