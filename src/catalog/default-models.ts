import type { CatalogModel } from './catalog-model.ts';
import { BUILTIN_MODELS } from './builtin-models.ts';
import { NON_CHAT_MODELS } from './non-chat-models.ts';
import { packageModels, packagePriceTiers, type OmittedModel } from './package-models.ts';

/**
 * The catalog before the YAML file: the hand-kept entries first (the seed's thirteen exactly as
 * the hosted service serves them, and the Claude and Gemini models the gateway is tested on), with
 * the packages' long-context price tiers where those entries have none; the embedding and
 * moderation models (non-chat-models.ts); then every other current
 * model of the six providers the model-data packages describe (package-models.ts).
 */
export function defaultModels(now = new Date()): { models: CatalogModel[]; omitted: OmittedModel[] } {
  const builtin = BUILTIN_MODELS.map((model) => {
    const tiers = model.pricing.tiers ?? packagePriceTiers(model.provider, model.upstreamId, now);
    return tiers ? { ...model, pricing: { ...model.pricing, tiers } } : model;
  });
  const known = new Set(builtin.map((model) => model.id));
  const { models, omitted } = packageModels(now);
  for (const model of NON_CHAT_MODELS) known.add(model.id);
  return { models: [...builtin, ...NON_CHAT_MODELS, ...models.filter((model) => !known.has(model.id))], omitted };
}
