import type { ChatRequestBody, ChatRequestMessage } from './simulator-profile.ts';

/**
 * Deterministic token estimates, about four characters per token as OpenAI's tokenizer guide puts
 * it for English text. The simulators need stable, plausible numbers for metering tests, not a
 * tokenizer.
 * @see https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Every message costs a few tokens of framing, and the reply is primed with three more. */
const tokensPerMessage = 3;
const tokensForReplyPriming = 3;
/** A low-detail image costs a flat 85 tokens on OpenAI; the simulators charge that for every image. */
export const tokensPerImage = 85;

export interface PromptTokenEstimate {
  promptTokens: number;
  imageTokens: number;
  /** The prompt as one string, for finding prefixes shared with earlier requests (prompt caching). */
  promptText: string;
}

export function estimatePromptTokens(request: ChatRequestBody): PromptTokenEstimate {
  let textTokens = tokensForReplyPriming;
  let imageTokens = 0;
  const pieces: string[] = [];
  if (request.tools != null && request.tools.length > 0) {
    const toolsText = JSON.stringify(request.tools);
    pieces.push(toolsText);
    textTokens += estimateTokens(toolsText);
  }
  for (const message of request.messages) {
    const text = messageText(message);
    pieces.push(`${message.role}:${text}`);
    textTokens += tokensPerMessage + estimateTokens(text) + estimateTokens(message.name ?? '');
    imageTokens += countImages(message) * tokensPerImage;
  }
  return { promptTokens: textTokens + imageTokens, imageTokens, promptText: pieces.join('\n') };
}

/** The text a message carries: its content parts' text, its tool calls, its tool call id. */
export function messageText(message: ChatRequestMessage): string {
  const parts: string[] = [];
  if (typeof message.content === 'string') parts.push(message.content);
  else if (Array.isArray(message.content)) {
    for (const part of message.content) if (typeof part.text === 'string') parts.push(part.text);
  }
  for (const toolCall of message.tool_calls ?? []) parts.push(`${toolCall.function.name}(${toolCall.function.arguments})`);
  return parts.join('\n');
}

function countImages(message: ChatRequestMessage): number {
  if (!Array.isArray(message.content)) return 0;
  return message.content.filter((part) => part.type === 'image_url').length;
}
