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

/**
 * Usage in the `input_tokens`/`output_tokens` shape of OpenAI's audio and images APIs (image input
 * in `input_tokens_details.image_tokens`), every count a whole number; undefined without both.
 */
export function readInputOutputUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const { input_tokens: input, output_tokens: output, input_tokens_details: details } = usage as { input_tokens?: unknown; output_tokens?: unknown; input_tokens_details?: { image_tokens?: unknown } };
  if (!isWholeCount(input) || !isWholeCount(output)) return undefined;
  const image = details?.image_tokens;
  return { promptTokens: input, completionTokens: output, ...(isWholeCount(image) && { imagePromptTokens: image }) };
}

function isWholeCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function asCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}
