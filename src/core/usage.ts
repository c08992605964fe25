import type { ChatUsage } from './chat-types.ts';

/**
 * Token usage as metering needs it. `undefined` means "the provider did not report it";
 * 0 means "reported zero".
 */
export interface TokenUsage {
  /** All input tokens, cached and cache-writing ones included. */
  promptTokens: number;
  /** Input tokens read from the provider's prompt cache (part of promptTokens). */
  cachedPromptTokens?: number;
  /** Input tokens written to the provider's prompt cache (part of promptTokens; Anthropic bills them higher). */
  cacheWriteTokens?: number;
  /** Uncached input tokens that are images (part of promptTokens), at the model's image input price where it has one. */
  imagePromptTokens?: number;
  /** All output tokens, reasoning included. */
  completionTokens: number;
  /** Reasoning tokens (part of completionTokens). */
  reasoningTokens?: number;
  /** Units billed besides tokens (images, characters, seconds: the model's `pricing.perUnit`), of one price variant. */
  units?: { variant: string; count: number };
}

/** Reads OpenAI-shaped usage, wherever in a response or chunk a provider put it. */
export function readChatUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const promptTokens = asCount(usage.prompt_tokens);
  const completionTokens = asCount(usage.completion_tokens);
  if (promptTokens === undefined && completionTokens === undefined) return undefined;
  return {
    promptTokens: promptTokens ?? 0,
    completionTokens: completionTokens ?? 0,
    cachedPromptTokens: asCount(usage.prompt_tokens_details?.cached_tokens),
    cacheWriteTokens: asCount(usage.cache_creation_input_tokens),
    reasoningTokens: asCount(usage.completion_tokens_details?.reasoning_tokens),
  };
}

function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}
