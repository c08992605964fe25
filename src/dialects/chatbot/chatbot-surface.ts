import type { ChatRequest } from '../../core/chat-types.ts';
import { creditsAsNumber } from '../../core/credits-as-number.ts';
import type { Surface } from '../../gateway/surface.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import { openAIChatSurface } from '../openai-chat/openai-chat-surface.ts';
import { createOpenAIChatStreamEncoder } from '../openai-chat/openai-chat-stream-encoder.ts';

/**
 * A chatbot's chat completions (`/v1/gateway/chatbots/{id}/chat/completions`): OpenAI chat, served
 * from the request its preset makes (apply-chatbot-preset.ts), answered as OpenAI chat with the
 * credits the request cost at the top level (`credits`, a number of credits) — in the completion,
 * and in a stream's final chunk beside `usage`, which a chatbot stream always carries.
 */
export const chatbotSurface: Surface<ChatRequest> = {
  id: 'chatbot',
  describe: openAIChatSurface.describe,
  decode: openAIChatSurface.decode,
  encoders: (call, model) => ({
    completion: (completion, usage, cost) => ({ ...(openAIChatSurface.encoders(call, model).completion(completion, usage, cost) as object), credits: creditsAsNumber(cost) }),
    stream: () => createOpenAIChatStreamEncoder({ includeUsage: true, credits: true }),
  }),
  encodeError: encodeOpenAIError,
};
