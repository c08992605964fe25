import { creditsAsNumber } from '../../core/credits-as-number.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { GeminiUsageMetadata } from '../../providers/google/gemini-api.ts';

/**
 * The gateway's usage as Gemini's usageMetadata, the inverse of read-gemini-usage.ts: output tokens
 * split into candidates and thoughts, cached input reported apart (it stays in the prompt count),
 * zero counts left out as proto3 JSON does, and the gateway's `cost` in credits (a field Google does
 * not send; the SDKs keep it).
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function encodeGeminiUsage(usage: TokenUsage, cost?: number): GeminiUsageMetadata & { cost?: number } {
  const thoughts = Math.min(usage.reasoningTokens ?? 0, usage.completionTokens);
  const metadata: GeminiUsageMetadata & { cost?: number } = { promptTokenCount: usage.promptTokens };
  if (usage.completionTokens - thoughts > 0) metadata.candidatesTokenCount = usage.completionTokens - thoughts;
  metadata.totalTokenCount = usage.promptTokens + usage.completionTokens;
  if ((usage.cachedPromptTokens ?? 0) > 0) metadata.cachedContentTokenCount = usage.cachedPromptTokens;
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts;
  if (cost !== undefined) metadata.cost = creditsAsNumber(cost);
  return metadata;
}
