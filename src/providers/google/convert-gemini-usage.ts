import type { ChatUsage } from '../../core/chat-types.ts';
import type { GeminiUsageMetadata } from './gemini-api.ts';

/**
 * Gemini's usageMetadata in OpenAI's shape. Proto3 JSON leaves zero counts out, so a missing count is
 * a reported zero. Input: the prompt (cached tokens included, as in OpenAI's `prompt_tokens`) plus the
 * tool-use prompt Gemini bills as input; output: the candidates plus the thoughts, which Gemini
 * counts apart and bills as output (`reasoning_tokens` says how many were thoughts).
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 * @see https://ai.google.dev/gemini-api/docs/pricing
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata): ChatUsage {
  const promptTokens = count(usage.promptTokenCount) + count(usage.toolUsePromptTokenCount);
  const reasoningTokens = count(usage.thoughtsTokenCount);
  const completionTokens = count(usage.candidatesTokenCount) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: count(usage.cachedContentTokenCount) },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}

function count(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}
