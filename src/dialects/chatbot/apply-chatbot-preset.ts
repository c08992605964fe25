import type { ChatMessage, ChatRequest } from '../../core/chat-types.ts';
import type { Chatbot } from '../../store/store.ts';
import type { ChatbotRequest } from './chatbot-request-schema.ts';

/**
 * The chat request a chatbot call stands for: the chatbot's model and parameters, its system
 * prompt before the client's messages, its fallbacks as the request's `models` list (the
 * pipeline's fallback chain), and, for a stream, usage in the final chunk — where `credits` goes.
 */
export function applyChatbotPreset(chatbot: Chatbot, body: ChatbotRequest): ChatRequest {
  const messages = body.messages as unknown as ChatMessage[];
  return {
    ...chatbot.parameters,
    model: chatbot.model,
    messages: chatbot.systemPrompt === null ? messages : [{ role: 'system', content: chatbot.systemPrompt }, ...messages],
    ...(chatbot.fallbacks.length > 0 && { models: [chatbot.model, ...chatbot.fallbacks] }),
    ...(body.stream === true && { stream: true, stream_options: { include_usage: true } }),
  };
}
