import { creditsAsNumber } from '../../core/credits-as-number.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { MessagesUsage } from './messages-api.ts';

/**
 * Usage in Messages terms: `input_tokens` counts only the input that neither read nor wrote the
 * cache. `cost` (micro-credits) adds the gateway's `cost` field, in credits.
 */
export function encodeMessagesUsage(usage: TokenUsage | undefined, cost?: number): MessagesUsage {
  const cacheRead = usage?.cachedPromptTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.promptTokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completionTokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    ...(cost === undefined ? {} : { cost: creditsAsNumber(cost) }),
  };
}
