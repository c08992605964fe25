import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { UsageBound } from './bound-request-cost.ts';

/**
 * Room above the request's own bounds before reported usage counts as impossible: providers add
 * tokens of their own (tool-use system prompts, chat templates), and some count reasoning outside
 * the output limit the request set (xAI), so the check catches absurd numbers, not close calls.
 */
const FACTOR = 2;
const SLACK_TOKENS = 4_096;

/**
 * A provider's usage, checked before it touches money: more input than the request's prompt could
 * make, or more output than the model can write for it, is billed at that bound (with room to
 * spare) and reported as `capped`, so the record is flagged for review. Counts are already finite,
 * non-negative integers (core/usage.ts reads them so); parts never exceed their wholes.
 */
export function checkReportedUsage(usage: TokenUsage, bound: UsageBound, model: CatalogModel): { usage: TokenUsage; capped: boolean } {
  const mostPrompt = bound.promptTokens * FACTOR + SLACK_TOKENS;
  const mostOutput = Math.max(bound.completionTokens, model.maxOutputTokens * bound.choices) * FACTOR + SLACK_TOKENS;
  // Units are counted exactly (images made, seconds of audio): never more than the request asked for.
  const mostUnits = bound.units?.count ?? 0;
  const unitsOver = usage.units !== undefined && usage.units.count > mostUnits;
  if (usage.promptTokens <= mostPrompt && usage.completionTokens <= mostOutput && !unitsOver) return { usage, capped: false };
  const promptTokens = Math.min(usage.promptTokens, mostPrompt);
  const completionTokens = Math.min(usage.completionTokens, mostOutput);
  return {
    usage: {
      promptTokens,
      cachedPromptTokens: usage.cachedPromptTokens === undefined ? undefined : Math.min(usage.cachedPromptTokens, promptTokens),
      cacheWriteTokens: usage.cacheWriteTokens === undefined ? undefined : Math.min(usage.cacheWriteTokens, promptTokens),
      imagePromptTokens: usage.imagePromptTokens === undefined ? undefined : Math.min(usage.imagePromptTokens, promptTokens),
      completionTokens,
      reasoningTokens: usage.reasoningTokens === undefined ? undefined : Math.min(usage.reasoningTokens, completionTokens),
      units: usage.units && { variant: usage.units.variant, count: Math.min(usage.units.count, mostUnits) },
    },
    capped: true,
  };
}
