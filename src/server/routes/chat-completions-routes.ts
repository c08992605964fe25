import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatRequest } from '../../core/chat-types.ts';
import { creditsAsNumber } from '../../core/credits-as-number.ts';
import { chatRequestSchema } from '../../dialects/openai-chat/chat-request-schema.ts';
import { createOpenAIChatStreamEncoder } from '../../dialects/openai-chat/openai-chat-stream-encoder.ts';
import { dispatchChat } from '../../gateway/dispatch-chat.ts';
import type { Switchyard } from '../../switchyard.ts';
import { answerDispatchedChat } from '../answer-dispatched-chat.ts';
import { withTracking } from '../track-request.ts';

/** The seed's legacy path, the gateway path, and the plain OpenAI path: one handler. */
export const CHAT_COMPLETIONS_PATHS = ['/v1/api/openai/chat/completions', '/v1/gateway/chat/completions', '/v1/chat/completions'];

/**
 * OpenAI Chat Completions. The request's phases, in order:
 * authenticate (onRequest hook) → validate (route schema) → resolve the model → admit (limits,
 * credit reservation) → dispatch to the provider (with retries) → relay the answer → settle
 * (cost, usage record and debit).
 */
export function registerChatCompletionsRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  for (const path of CHAT_COMPLETIONS_PATHS) {
    app.post(path, { schema: { body: chatRequestSchema } }, (request, reply) => handleChatCompletion(switchyard, request, reply));
  }
}

async function handleChatCompletion(switchyard: Switchyard, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const body = request.body as ChatRequest;
  return withTracking(switchyard, request, reply, { surface: 'openai-chat', model: body.model, streamed: body.stream === true }, async (tracked) => {
    const { model, adapter } = switchyard.chat.resolve(body.model);
    tracked.provider = model.provider;
    switchyard.chat.checkCapabilities(model, body);
    await tracked.admit(model, body);
    const dispatched = await dispatchChat(adapter, { request: body, model, signal: tracked.signal, requestId: request.id }, { maxRetries: switchyard.config.maxRetries });
    return answerDispatchedChat(reply, tracked, dispatched, adapter, {
      request: body,
      encodeCompletion: (completion, _usage, cost) => (completion.usage ? { ...completion, usage: { ...completion.usage, cost: creditsAsNumber(cost) } } : completion),
      createStreamEncoder: () => createOpenAIChatStreamEncoder({ includeUsage: body.stream_options?.include_usage === true }),
    });
  });
}
