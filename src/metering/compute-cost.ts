import type { ModelPricing } from '../catalog/catalog-model.ts';
import type { TokenUsage } from '../core/usage.ts';

/** Prices are per million tokens, so a sum of tokens × price is in millionths of a micro-credit. */
const PRICE_UNIT = 1_000_000n;

/**
 * What a request costs, in micro-credits (1 credit = 1 US dollar of provider list price =
 * 1,000,000 micro-credits): uncached input at the input price (image input at the image input
 * price where the model has one), cache reads at the cached price,
 * cache writes at the cache-write price (the input price when the model has none), and all output
 * — reasoning included — at the output price. Integer arithmetic throughout (BigInt: tokens ×
 * micro-USD prices can pass 2^53), rounded up to a whole micro-credit once, for the whole request.
 * A stream and the same non-streamed request have the same usage, so they cost the same. A prompt
 * longer than a price tier's threshold prices the whole request at that tier.
 */
export function computeCost(usage: TokenUsage, modelPricing: ModelPricing): number {
  const promptTokens = Math.max(0, usage.promptTokens);
  // A long prompt prices the whole request at its tier (the provider's long-context prices).
  const pricing = modelPricing.tiers?.filter((tier) => promptTokens > tier.aboveInputTokens).at(-1) ?? modelPricing;
  const cachedTokens = Math.min(usage.cachedPromptTokens ?? 0, promptTokens);
  const cacheWriteTokens = Math.min(usage.cacheWriteTokens ?? 0, promptTokens - cachedTokens);
  const uncachedTokens = promptTokens - cachedTokens - cacheWriteTokens;
  const imageTokens = Math.min(usage.imagePromptTokens ?? 0, uncachedTokens);
  const total =
    BigInt(uncachedTokens - imageTokens) * BigInt(pricing.inputPerMillion) +
    BigInt(imageTokens) * BigInt(modelPricing.imageInputPerMillion ?? pricing.inputPerMillion) +
    BigInt(cachedTokens) * BigInt(pricing.cachedInputPerMillion) +
    BigInt(cacheWriteTokens) * BigInt(pricing.cacheWritePerMillion ?? pricing.inputPerMillion) +
    BigInt(Math.max(0, usage.completionTokens)) * BigInt(pricing.outputPerMillion);
  return Number((total + PRICE_UNIT - 1n) / PRICE_UNIT) + unitCost(usage, modelPricing);
}

/** Units (images, characters, seconds) at the model's price per unit, in micro-credits: whole micro-USD each, so no rounding. */
function unitCost(usage: TokenUsage, pricing: ModelPricing): number {
  if (!usage.units || !pricing.perUnit) return 0;
  const prices = pricing.perUnit.prices;
  const price = prices[usage.units.variant] ?? Math.max(...Object.values(prices));
  return Number(BigInt(Math.max(0, usage.units.count)) * BigInt(price));
}
