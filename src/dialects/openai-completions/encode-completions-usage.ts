import { creditsAsNumber } from '../../core/credits-as-number.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { CompletionUsage } from './completions-api.ts';

/**
 * The usage the request is billed for, in OpenAI's `CompletionUsage` terms: cache reads and writes
 * in `prompt_tokens_details`, reasoning in `completion_tokens_details` (each only when the provider
 * reported it), and the gateway's `cost` (micro-credits, written in credits).
 */
export function encodeCompletionsUsage(usage: TokenUsage | undefined, cost: number | undefined): CompletionUsage {
  const promptTokens = usage?.promptTokens ?? 0;
  const completionTokens = usage?.completionTokens ?? 0;
  const encoded: CompletionUsage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  if (usage?.cachedPromptTokens !== undefined || usage?.cacheWriteTokens !== undefined) {
    encoded.prompt_tokens_details = {
      ...(usage.cachedPromptTokens !== undefined && { cached_tokens: usage.cachedPromptTokens }),
      ...(usage.cacheWriteTokens !== undefined && { cache_write_tokens: usage.cacheWriteTokens }),
    };
  }
  if (usage?.reasoningTokens !== undefined) encoded.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  if (cost !== undefined) encoded.cost = creditsAsNumber(cost);
  return encoded;
}
