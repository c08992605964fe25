/**
 * JSON schemas of the admin API's chatbot bodies. Unknown top-level fields are refused, like every
 * admin body; `parameters` is checked field by field by the chatbot service
 * (accounts/check-chatbot-parameters.ts), so the CLI and the API refuse the same things in the same words.
 */

export interface ChatbotBody {
  name?: string;
  model?: string;
  system_prompt?: string | null;
  /** Chat request parameters under their OpenAI names; on a change, null removes one. */
  parameters?: Record<string, unknown>;
  fallbacks?: string[] | null;
}

const chatbotProperties = {
  name: { type: 'string' },
  model: { type: 'string' },
  system_prompt: { type: ['string', 'null'] },
  parameters: { type: 'object' },
  fallbacks: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
};

export const createChatbotSchema = { type: 'object', additionalProperties: false, required: ['name', 'model'], properties: chatbotProperties };

export const updateChatbotSchema = { type: 'object', additionalProperties: false, minProperties: 1, properties: chatbotProperties };
