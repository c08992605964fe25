import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeCost } from '../../../src/metering/compute-cost.ts';

// Claude Sonnet's list prices in micro-USD per million tokens: input $3, cache read $0.30, cache write $3.75, output $15.
const SONNET = { inputPerMillion: 3_000_000, cachedInputPerMillion: 300_000, cacheWritePerMillion: 3_750_000, outputPerMillion: 15_000_000 };

describe('computeCost', () => {
  test('prices uncached input, cache reads, cache writes and output each at their own price', () => {
    // 1,000 uncached × 3 + 2,000 read × 0.3 + 4,000 written × 3.75 + 500 out × 15 = 3,000 + 600 + 15,000 + 7,500 micro-credits
    assert.equal(computeCost({ promptTokens: 7_000, cachedPromptTokens: 2_000, cacheWriteTokens: 4_000, completionTokens: 500 }, SONNET), 26_100);
  });

  test('cache writes cost the input price when the model has no cache-write price', () => {
    const { cacheWritePerMillion: _none, ...pricing } = SONNET;
    assert.equal(computeCost({ promptTokens: 1_000, cacheWriteTokens: 1_000, completionTokens: 0 }, pricing), 3_000);
  });

  test('image input tokens at the image input price where the model has one (gpt-image edits), else the input price; never more of them than uncached input', () => {
    const gptImage = { inputPerMillion: 5_000_000, cachedInputPerMillion: 1_250_000, imageInputPerMillion: 10_000_000, outputPerMillion: 40_000_000 };
    // 100 text × 5 + 300 images × 10 + 1,000 out × 40
    assert.equal(computeCost({ promptTokens: 400, imagePromptTokens: 300, completionTokens: 1_000 }, gptImage), 43_500);
    const { imageInputPerMillion: _none, ...textOnly } = gptImage;
    assert.equal(computeCost({ promptTokens: 400, imagePromptTokens: 300, completionTokens: 0 }, textOnly), 2_000);
    assert.equal(computeCost({ promptTokens: 100, cachedPromptTokens: 50, imagePromptTokens: 1_000, completionTokens: 0 }, gptImage), 563); // 50 cached × 1.25 + 50 images × 10 = 562.5, rounded up
  });

  test('reasoning tokens are output: completionTokens already counts them', () => {
    assert.equal(computeCost({ promptTokens: 0, completionTokens: 1_000, reasoningTokens: 900 }, SONNET), 15_000);
  });

  test('rounds up to a whole micro-credit once per request, never per part', () => {
    const pricing = { inputPerMillion: 150_000, cachedInputPerMillion: 75_000, outputPerMillion: 600_000 };
    // 1 × 0.15 + 1 × 0.075 + 1 × 0.6 = 0.825 micro-credits → 1 (per-part rounding would give 3)
    assert.equal(computeCost({ promptTokens: 2, cachedPromptTokens: 1, completionTokens: 1 }, pricing), 1);
    assert.equal(computeCost({ promptTokens: 0, completionTokens: 0 }, pricing), 0);
  });

  test('stays exact beyond 2^53 millionths (BigInt), and never counts more cached tokens than prompt tokens', () => {
    const pricing = { inputPerMillion: 999_999_999, cachedInputPerMillion: 1, outputPerMillion: 999_999_999 };
    // 10^10 tokens × 999,999,999 = 9,999,999,990,000,000,000 millionths → 9,999,999,990,000 micro-credits exactly
    assert.equal(computeCost({ promptTokens: 10_000_000_000, completionTokens: 0 }, pricing), 9_999_999_990_000);
    assert.equal(computeCost({ promptTokens: 10, cachedPromptTokens: 50, completionTokens: 0 }, { ...pricing, inputPerMillion: 1_000_000 }), 1);
  });

  test('units (images, characters, seconds) at their variant price, added to the tokens; an unknown variant at the dearest', () => {
    // dall-e-3: standard 1024² $0.04, hd 1024x1792 $0.12 per image.
    const images = { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0, perUnit: { unit: 'image' as const, prices: { '1024x1024/standard': 40_000, '1024x1792/hd': 120_000 } } };
    assert.equal(computeCost({ promptTokens: 0, completionTokens: 0, units: { variant: '1024x1024/standard', count: 3 } }, images), 120_000);
    assert.equal(computeCost({ promptTokens: 0, completionTokens: 0, units: { variant: 'no-such-size', count: 1 } }, images), 120_000);
    // gpt-4o-mini-tts-like: tokens and characters together; a model without unit prices ignores units.
    assert.equal(computeCost({ promptTokens: 1_000, completionTokens: 0, units: { variant: 'default', count: 10 } }, { ...SONNET, perUnit: { unit: 'character', prices: { default: 15 } } }), 3_150);
    assert.equal(computeCost({ promptTokens: 1_000, completionTokens: 0, units: { variant: 'default', count: 10 } }, SONNET), 3_000);
  });
});
