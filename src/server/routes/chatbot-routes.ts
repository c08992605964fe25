import { requestLogger } from '../log-every-answer.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { applyChatbotPreset } from '../../dialects/chatbot/apply-chatbot-preset.ts';
import { chatbotSurface } from '../../dialects/chatbot/chatbot-surface.ts';
import { chatbotRequestSchema, type ChatbotRequest } from '../../dialects/chatbot/chatbot-request-schema.ts';
import type { Chatbot } from '../../store/store.ts';
import type { Switchyard } from '../../switchyard.ts';
import { encodeChatbot } from '../admin/encode-chatbot.ts';
import { serveThroughPipeline } from '../serve-through-pipeline.ts';

/** What a chatbot id looks like (`cb_` and a random part): anything else is not looked up at all. */
const CHATBOT_ID = /^cb_[A-Za-z0-9_-]{1,64}$/;

interface ChatbotParams {
  id: string;
}

/**
 * The chatbots of the key's organization: read-only lists for tenants, and
 * `POST /v1/gateway/chatbots/{id}/chat/completions` (trailing slash optional), which answers with
 * the chatbot's preset applied and the credits spent (dialects/chatbot/). A chatbot of another
 * organization is a 404, exactly as one that does not exist.
 */
export function registerChatbotRoutes(app: FastifyInstance, switchyard: Switchyard): void {
  const { chatbots, pipeline } = switchyard;

  /** The caller's organization's chatbot named in the path, from memory while fresh; a 404 otherwise. */
  const chatbotOf = async (request: FastifyRequest<{ Params: ChatbotParams }>): Promise<Chatbot> => {
    const id = request.params.id;
    const chatbot = CHATBOT_ID.test(id) ? await chatbots.findForOrganization(id, request.principal!.organizationId) : undefined;
    if (!chatbot) throw GATEWAY_ERRORS.chatbotNotFound(id.slice(0, 100));
    return chatbot;
  };

  app.get('/v1/gateway/chatbots', async (request) => {
    const principal = request.principal!;
    return { object: 'list', data: (await chatbots.listOfOrganization(principal.organizationId)).map((chatbot) => encodeChatbot(chatbot, principal.organizationName)) };
  });
  app.get<{ Params: ChatbotParams }>('/v1/gateway/chatbots/:id', async (request) => encodeChatbot(await chatbotOf(request), request.principal!.organizationName));

  app.post<{ Params: ChatbotParams; Body: ChatbotRequest }>(
    '/v1/gateway/chatbots/:id/chat/completions',
    { config: { encodeError: chatbotSurface.encodeError, surface: chatbotSurface.id }, schema: { body: chatbotRequestSchema } },
    async (request, reply) => {
      const body = applyChatbotPreset(await chatbotOf(request), request.body);
      return serveThroughPipeline(request, reply, (connection) =>
        pipeline.serve(chatbotSurface, { principal: request.principal!, body, headers: request.headers, requestId: request.id, logger: requestLogger(request) }, connection),
      );
    },
  );
}
