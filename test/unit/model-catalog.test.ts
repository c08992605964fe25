import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_MODELS } from '../../src/catalog/builtin-models.ts';
import type { CatalogModel } from '../../src/catalog/catalog-model.ts';
import { ModelCatalog } from '../../src/catalog/model-catalog.ts';
import { ConfigError } from '../../src/core/config-error.ts';
import { parseModelEntries } from '../../src/catalog/parse-model-entries.ts';

const PROVIDERS = ['openai', 'xai', 'fireworks', 'perplexity'];

/** A catalog over the built-in models, with `models:` entries written as the YAML file would hold them. */
function catalogWith(entries: unknown[]): ModelCatalog {
  return new ModelCatalog(BUILTIN_MODELS, parseModelEntries(entries, PROVIDERS));
}

function builtin(id: string): CatalogModel {
  const model = BUILTIN_MODELS.find((candidate) => candidate.id === id);
  assert.ok(model, `built-in model ${id}`);
  return model;
}

function assertConfigErrorNaming(run: () => unknown, field: string): void {
  assert.throws(run, (error: unknown) => error instanceof ConfigError && error.field === field && error.message.includes(field));
}

describe('ModelCatalog', () => {
  it('serves every built-in model by its id, in catalog order', () => {
    const catalog = catalogWith([]);
    assert.deepEqual(catalog.all().map((model) => model.id), BUILTIN_MODELS.map((model) => model.id));
    assert.equal(catalog.find('grok-4'), builtin('grok-4'));
    assert.equal(catalog.find('nope'), undefined);
  });

  it('publishes the seed model ids exactly, including ids with slashes', () => {
    const catalog = catalogWith([]);
    assert.ok(catalog.find('accounts/fireworks/models/gpt-oss-120b'));
    assert.ok(catalog.find('google/gemma-3-27b-it'));
  });

  it('routes a provider prefix to that provider\'s model; a literal id wins; another provider\'s prefix finds nothing', () => {
    const catalog = catalogWith([]);
    assert.equal(catalog.find('openai/gpt-5-mini'), builtin('gpt-5-mini'));
    assert.equal(catalog.find('anthropic/claude-sonnet-4-6'), builtin('claude-sonnet-4-6'));
    assert.equal(catalog.find('xai/grok-4'), builtin('grok-4'));
    assert.equal(catalog.find('perplexity/sonar-pro'), builtin('sonar-pro'));
    assert.equal(catalog.find('fireworks/gpt-oss-120b'), builtin('accounts/fireworks/models/gpt-oss-120b'));
    assert.equal(catalog.find('fireworks/accounts/fireworks/models/gpt-oss-120b'), builtin('accounts/fireworks/models/gpt-oss-120b'));
    assert.equal(catalog.find('google/gemini-2.5-flash'), builtin('gemini-2.5-flash'));
    assert.equal(catalog.find('google/gemma-3-27b-it'), builtin('google/gemma-3-27b-it'), 'the seed id, literally');
    assert.equal(catalog.find('xai/gpt-5-mini'), undefined);
    assert.equal(catalog.find('openai/'), undefined);
    assert.equal(catalog.find('/gpt-5-mini'), undefined);
  });

  it('adds an alias that resolves to its target and sends the target upstream id', () => {
    const alias = catalogWith([{ id: 'fast', aliasOf: 'gpt-5-mini' }]).find('fast');
    assert.ok(alias);
    assert.equal(alias.id, 'fast');
    assert.equal(alias.aliasOf, 'gpt-5-mini');
    assert.equal(alias.provider, 'openai');
    assert.equal(alias.upstreamId, 'gpt-5-mini');
    assert.deepEqual(alias.pricing, builtin('gpt-5-mini').pricing);
  });

  it('points an alias of an alias at the real model', () => {
    const catalog = catalogWith([
      { id: 'fast', aliasOf: 'gpt-5-mini' },
      { id: 'quick', aliasOf: 'fast' },
    ]);
    assert.equal(catalog.find('quick')?.aliasOf, 'gpt-5-mini');
    assert.equal(catalog.find('quick')?.upstreamId, 'gpt-5-mini');
  });

  it('refuses an alias of an unknown model, naming models[i].aliasOf', () => {
    assertConfigErrorNaming(() => catalogWith([{ id: 'fast', aliasOf: 'gpt-99' }]), 'models[0].aliasOf');
  });

  it('overrides the given fields of a built-in model and keeps the others', () => {
    const model = catalogWith([{ id: 'grok-4', upstreamId: 'grok-4-0709', contextWindow: 100_000 }]).find('grok-4');
    assert.ok(model);
    assert.equal(model.upstreamId, 'grok-4-0709');
    assert.equal(model.contextWindow, 100_000);
    assert.equal(model.provider, 'xai');
    assert.deepEqual(model.pricing, builtin('grok-4').pricing);
    assert.deepEqual(model.parameters, builtin('grok-4').parameters);
  });

  it('overrides prices given in USD per million tokens', () => {
    const model = catalogWith([{ id: 'gpt-5', pricing: { input: 2, cachedInput: 0.5, output: 20 } }]).find('gpt-5');
    assert.deepEqual(model?.pricing, { inputPerMillion: 2_000_000, cachedInputPerMillion: 500_000, outputPerMillion: 20_000_000 });
  });

  it('takes long-context price tiers and cache-write prices, and refuses tiers out of order', () => {
    const model = catalogWith([{ id: 'gpt-5', pricing: { input: 2, cacheWrite: 2.5, output: 20, tiers: [{ aboveInputTokens: 272_000, input: 4, output: 30 }] } }]).find('gpt-5');
    assert.deepEqual(model?.pricing, {
      inputPerMillion: 2_000_000,
      cachedInputPerMillion: 2_000_000,
      cacheWritePerMillion: 2_500_000,
      outputPerMillion: 20_000_000,
      tiers: [{ aboveInputTokens: 272_000, inputPerMillion: 4_000_000, cachedInputPerMillion: 4_000_000, outputPerMillion: 30_000_000 }],
    });
    assert.throws(
      () => catalogWith([{ id: 'gpt-5', pricing: { input: 2, output: 20, tiers: [{ aboveInputTokens: 300_000, input: 4, output: 30 }, { aboveInputTokens: 200_000, input: 5, output: 40 }] } }]),
      /tiers\[1\]\.aboveInputTokens/,
    );
  });

  it(
    'keeps the capabilities an override does not mention',
    () => {
      const model = catalogWith([{ id: 'gpt-5', capabilities: { vision: false } }]).find('gpt-5');
      assert.deepEqual(model?.capabilities, { ...builtin('gpt-5').capabilities, vision: false });
    },
  );

  it('disables a built-in model', () => {
    const catalog = catalogWith([{ id: 'sonar-pro', disabled: true }]);
    assert.equal(catalog.find('sonar-pro'), undefined);
    assert.equal(catalog.all().some((model) => model.id === 'sonar-pro'), false);
  });

  it('refuses to disable a model it does not know, naming models[i].id', () => {
    assertConfigErrorNaming(() => catalogWith([{ id: 'gpt-99', disabled: true }]), 'models[0].id');
  });

  it('adds a new model with defaults, sending its id upstream unless told otherwise', () => {
    const catalog = catalogWith([{ id: 'accounts/fireworks/models/qwen3-235b', provider: 'fireworks', contextWindow: 262_144 }]);
    const model = catalog.find('accounts/fireworks/models/qwen3-235b');
    assert.ok(model);
    assert.equal(model.provider, 'fireworks');
    assert.equal(model.upstreamId, 'accounts/fireworks/models/qwen3-235b');
    assert.equal(model.contextWindow, 262_144);
    assert.equal(catalog.all().at(-1)?.id, 'accounts/fireworks/models/qwen3-235b');
  });

  it('sends a new model under its upstreamId when one is given', () => {
    const model = catalogWith([{ id: 'house-model', provider: 'openai', upstreamId: 'gpt-5-2025-08-07' }]).find('house-model');
    assert.equal(model?.upstreamId, 'gpt-5-2025-08-07');
  });

  it('refuses a new model without a provider, naming models[i].provider', () => {
    assertConfigErrorNaming(() => catalogWith([{ id: 'fast', aliasOf: 'gpt-5' }, { id: 'x' }]), 'models[1].provider');
  });

  it('applies entries in order, so a model added earlier can be aliased later', () => {
    const catalog = catalogWith([
      { id: 'house-model', provider: 'xai' },
      { id: 'house', aliasOf: 'house-model' },
    ]);
    assert.equal(catalog.find('house')?.provider, 'xai');
  });
});
