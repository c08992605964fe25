import { chatRequestSchema } from '../openai-chat/chat-request-schema.ts';

/** A chatbot request's body: the conversation and whether to stream; the chatbot's preset says the rest. */
export interface ChatbotRequest {
  messages: Record<string, unknown>[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  /** Sent by OpenAI SDKs, which require it; ignored: the chatbot names its model. */
  model?: string;
}

/**
 * `{messages, stream}` as the hosted service documents it, plus `stream_options` (OpenAI's) and
 * `model`, which OpenAI SDKs always send and which is ignored. Anything else is refused with a 422
 * naming the field: a `temperature` or `tools` sent here would otherwise be dropped without a word,
 * since the chatbot's preset sets the request's parameters.
 */
export const chatbotRequestSchema = {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    messages: chatRequestSchema.properties.messages,
    stream: chatRequestSchema.properties.stream,
    stream_options: chatRequestSchema.properties.stream_options,
    model: { type: 'string' },
  },
} as const;
