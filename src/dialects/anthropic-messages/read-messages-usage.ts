import type { TokenUsage } from '../../core/usage.ts';
import type { MessagesUsage } from './messages-api.ts';

/**
 * Messages usage in the gateway's terms: input counts every input token, cache reads and writes
 * included. Anthropic always sends `input_tokens` and `output_tokens`: without both as counts
 * (missing, negative, not numbers) the usage is unreadable, and the answer is billed on an estimate.
 */
export function readMessagesUsage(usage: Partial<MessagesUsage> | null | undefined): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input === undefined || output === undefined) return undefined;
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  return {
    promptTokens: input + (cacheRead ?? 0) + (cacheWrite ?? 0),
    cachedPromptTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    completionTokens: output,
  };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
}
