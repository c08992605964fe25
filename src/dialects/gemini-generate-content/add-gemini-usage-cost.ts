import { creditsAsNumber } from '../../core/credits-as-number.ts';
import { parseJson } from '../../core/parse-json.ts';

/**
 * A passed-through GenerateContentResponse — a whole answer, or a stream event's data — with the
 * gateway's `cost` (credits) added to its usageMetadata; undefined when it is not an object or has
 * no usageMetadata to add to. The SDKs keep fields they do not know (`@google/genai` copies
 * usageMetadata as it came).
 */
export function addGeminiUsageCost(json: string, cost: number): string | undefined {
  const parsed = parseJson<{ usageMetadata?: unknown }>(json);
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) return undefined;
  const { usageMetadata } = parsed.value;
  if (typeof usageMetadata !== 'object' || usageMetadata === null) return undefined;
  return JSON.stringify({ ...parsed.value, usageMetadata: { ...usageMetadata, cost: creditsAsNumber(cost) } });
}
