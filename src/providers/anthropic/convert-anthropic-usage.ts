import type { ChatUsage } from '../../core/chat-types.ts';
import type { AnthropicMessageDeltaUsage, AnthropicUsage } from './anthropic-api.ts';

/**
 * Anthropic's usage in OpenAI's terms. Anthropic's `input_tokens` leaves out the tokens read from
 * and written to the prompt cache, so `prompt_tokens` adds them back; `cached_tokens` is the cache
 * read and `cache_creation_input_tokens` the cache write. `output_tokens` already includes thinking.
 * A cache count Anthropic did not report stays absent rather than 0.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function convertAnthropicUsage(usage: Partial<AnthropicUsage> | AnthropicMessageDeltaUsage | null | undefined): ChatUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const input = count(usage.input_tokens) ?? 0;
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const output = count(usage.output_tokens) ?? 0;
  const thinking = count(usage.output_tokens_details?.thinking_tokens);
  const promptTokens = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const converted: ChatUsage = { prompt_tokens: promptTokens, completion_tokens: output, total_tokens: promptTokens + output };
  if (cacheRead !== undefined) converted.prompt_tokens_details = { cached_tokens: cacheRead };
  if (cacheWrite !== undefined) converted.cache_creation_input_tokens = cacheWrite;
  if (thinking !== undefined) converted.completion_tokens_details = { reasoning_tokens: thinking };
  return converted;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
