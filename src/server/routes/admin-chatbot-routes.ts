import type { FastifyInstance } from 'fastify';
import type { Switchyard } from '../../switchyard.ts';
import { createChatbotSchema, updateChatbotSchema, type ChatbotBody } from '../admin/chatbot-request-schemas.ts';
import { encodeChatbot } from '../admin/encode-chatbot.ts';

interface OrganizationParams {
  name: string;
}
interface ChatbotParams {
  id: string;
}

/**
 * The admin API's chatbots, registered inside the admin plugin (admin-routes.ts: its token guard and
 * its error handler, which answers the service's refusals with 422, 404 and 409):
 * `GET/POST /organizations/{name}/chatbots`, `GET /chatbots` (every organization's, or
 * `?organization=`), `GET/PATCH/DELETE /chatbots/{id}`.
 */
export function registerAdminChatbotRoutes(admin: FastifyInstance, switchyard: Switchyard): void {
  const { accounts, chatbots } = switchyard;
  const organizationNames = async () => new Map((await accounts.listOrganizations()).map((organization) => [organization.id, organization.name]));

  admin.get<{ Params: OrganizationParams }>('/organizations/:name/chatbots', async (request) => {
    const organization = await accounts.requireOrganization(request.params.name);
    return list((await chatbots.list(organization.name)).map((chatbot) => encodeChatbot(chatbot, organization.name)));
  });
  admin.post<{ Params: OrganizationParams; Body: ChatbotBody }>('/organizations/:name/chatbots', { schema: { body: createChatbotSchema } }, async (request, reply) => {
    const body = request.body;
    const chatbot = await chatbots.create(request.params.name, {
      name: body.name!,
      model: body.model!,
      systemPrompt: body.system_prompt,
      parameters: body.parameters,
      fallbacks: body.fallbacks,
    });
    return reply.status(201).send(encodeChatbot(chatbot, request.params.name));
  });
  admin.get<{ Querystring: { organization?: string } }>(
    '/chatbots',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { organization: { type: 'string' } } } } },
    async (request) => {
      const names = await organizationNames();
      return list((await chatbots.list(request.query.organization)).map((chatbot) => encodeChatbot(chatbot, names.get(chatbot.organizationId) ?? '')));
    },
  );
  admin.get<{ Params: ChatbotParams }>('/chatbots/:id', async (request) => {
    const chatbot = await chatbots.require(request.params.id);
    return encodeChatbot(chatbot, (await organizationNames()).get(chatbot.organizationId) ?? '');
  });
  admin.patch<{ Params: ChatbotParams; Body: ChatbotBody }>('/chatbots/:id', { schema: { body: updateChatbotSchema } }, async (request) => {
    const body = request.body;
    const chatbot = await chatbots.update(request.params.id, {
      name: body.name,
      model: body.model,
      systemPrompt: body.system_prompt,
      parameters: body.parameters,
      fallbacks: body.fallbacks,
    });
    return encodeChatbot(chatbot, (await organizationNames()).get(chatbot.organizationId) ?? '');
  });
  admin.delete<{ Params: ChatbotParams }>('/chatbots/:id', async (request) => {
    const chatbot = await chatbots.delete(request.params.id);
    return { id: chatbot.id, object: 'chatbot.deleted', deleted: true };
  });
}

function list<Item>(data: Item[]) {
  return { object: 'list', data };
}
