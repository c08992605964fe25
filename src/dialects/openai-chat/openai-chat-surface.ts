import type { ChatRequest } from '../../core/chat-types.ts';
import { creditsAsNumber } from '../../core/credits-as-number.ts';
import type { Surface } from '../../gateway/surface.ts';
import { encodeOpenAIError } from './encode-openai-error.ts';
import { createOpenAIChatStreamEncoder } from './openai-chat-stream-encoder.ts';

/**
 * OpenAI Chat Completions: the hub shape itself, so decoding is the identity and every provider is
 * reached through its adapter's `chat` (the OpenAI-compatible ones pass the body through with only
 * their quirks fixed). The answer is the provider's, with the gateway's `cost` in its usage.
 * @see https://platform.openai.com/docs/api-reference/chat
 */
export const openAIChatSurface: Surface<ChatRequest> = {
  id: 'openai-chat',
  describe: (body) => ({ model: body.model, streamed: body.stream === true }),
  decode: (body) => ({ request: body, adjustments: [] }),
  encoders: ({ body }) => ({
    completion: (completion, _usage, cost) => (completion.usage ? { ...completion, usage: { ...completion.usage, cost: creditsAsNumber(cost) } } : completion),
    stream: () => createOpenAIChatStreamEncoder({ includeUsage: body.stream_options?.include_usage === true }),
  }),
  encodeError: encodeOpenAIError,
};
