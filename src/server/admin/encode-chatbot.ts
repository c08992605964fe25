import type { Chatbot } from '../../store/store.ts';

/** A chatbot as the admin API and the tenant's read route write it (snake_case; parameters under their OpenAI names, as stored). */
export function encodeChatbot(chatbot: Chatbot, organizationName: string) {
  return {
    id: chatbot.id,
    object: 'chatbot',
    organization: organizationName,
    organization_id: chatbot.organizationId,
    name: chatbot.name,
    model: chatbot.model,
    system_prompt: chatbot.systemPrompt,
    parameters: chatbot.parameters,
    fallbacks: chatbot.fallbacks,
    created_at: chatbot.createdAt,
    updated_at: chatbot.updatedAt,
  };
}
