import type { TokenUsage } from '../../core/usage.ts';
import type { ResponsesUsage } from './responses-api.ts';

/**
 * Responses usage in the gateway's terms. OpenAI counts cached and cache-written input inside
 * `input_tokens` and reasoning inside `output_tokens`, which is the gateway's meaning already.
 * Without both counts (missing, negative, not numbers) the usage is unreadable, and the answer is
 * billed on an estimate.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 */
export function readResponsesUsage(usage: Partial<ResponsesUsage> | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const promptTokens = count(usage.input_tokens);
  const completionTokens = count(usage.output_tokens);
  if (promptTokens === undefined || completionTokens === undefined) return undefined;
  return {
    promptTokens,
    cachedPromptTokens: count(usage.input_tokens_details?.cached_tokens),
    cacheWriteTokens: count(usage.input_tokens_details?.cache_write_tokens),
    completionTokens,
    reasoningTokens: count(usage.output_tokens_details?.reasoning_tokens),
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}
