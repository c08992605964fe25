import { readChatUsage, type TokenUsage } from '../../core/usage.ts';
import { convertGeminiUsage } from '../../providers/google/convert-gemini-usage.ts';
import type { GeminiUsageMetadata } from '../../providers/google/gemini-api.ts';

/**
 * A passed-through answer's usageMetadata in the gateway's terms, read exactly as the Google adapter
 * reads it for translated requests (convert-gemini-usage.ts): input is the prompt (cached tokens
 * included) plus the tool-use prompt, output the candidates plus the thoughts. Undefined when the
 * answer has no usageMetadata object (billed on an estimate).
 */
export function readGeminiUsage(usage: unknown): TokenUsage | undefined {
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return undefined;
  return readChatUsage(convertGeminiUsage(usage as GeminiUsageMetadata));
}
