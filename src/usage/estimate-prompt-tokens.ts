import { countTokens } from './count-tokens.ts';
import type { ChatRequest } from '../core/chat-types.ts';

/** Tokens OpenAI's chat format adds around each message; other providers' formats add about as many. */
const TOKENS_PER_MESSAGE = 4;
/** A rough cost of one image in the prompt (OpenAI's low-detail price); providers count images their own way. */
const TOKENS_PER_IMAGE = 85;

/**
 * An estimate of a request's input tokens, with OpenAI's o200k tokenizer, for models whose provider
 * has no counting endpoint: every text, tool call and tool schema counted, plus message overhead.
 */
export function estimatePromptTokens(request: ChatRequest): number {
  let tokens = 3;
  for (const message of request.messages) {
    tokens += TOKENS_PER_MESSAGE;
    if (typeof message.content === 'string') tokens += countTokens(message.content);
    for (const part of Array.isArray(message.content) ? message.content : []) {
      if (part.type === 'text' && typeof part.text === 'string') tokens += countTokens(part.text);
      else if (part.type === 'image_url') tokens += TOKENS_PER_IMAGE;
    }
    for (const call of message.tool_calls ?? []) tokens += countTokens(call.function.name) + countTokens(call.function.arguments);
  }
  for (const tool of request.tools ?? []) tokens += countTokens(JSON.stringify(tool.function));
  return tokens;
}
