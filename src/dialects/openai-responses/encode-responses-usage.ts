import { creditsAsNumber } from '../../core/credits-as-number.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { ResponsesUsage } from './responses-api.ts';

/**
 * The gateway's token counts as a Responses `usage` object; null when the provider reported none.
 * Counts the provider did not report are written as 0, the only value the field allows. `cost`
 * (micro-credits) adds the gateway's `cost` field, in credits.
 */
export function encodeResponsesUsage(usage: TokenUsage | undefined, cost?: number): ResponsesUsage | null {
  if (!usage) return null;
  const inputDetails: ResponsesUsage['input_tokens_details'] = { cached_tokens: usage.cachedPromptTokens ?? 0 };
  if (usage.cacheWriteTokens !== undefined) inputDetails.cache_write_tokens = usage.cacheWriteTokens;
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: inputDetails,
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.promptTokens + usage.completionTokens,
    ...(cost === undefined ? {} : { cost: creditsAsNumber(cost) }),
  };
}
