import { REFUSAL_KINDS, type CatalogModel, type ModelParameterRules, type ModelTimeouts, type RefusalKind } from './catalog-model.ts';
import { ConfigError } from '../core/config-error.ts';

/** One `models:` entry of the YAML file: an alias, a removal, or fields that add or override a model. */
export type ModelEntry =
  | { kind: 'alias'; id: string; aliasOf: string }
  | { kind: 'disable'; id: string }
  | { kind: 'define'; id: string; fields: Partial<Omit<CatalogModel, 'id' | 'aliasOf'>> };

const CAPABILITIES = ['tools', 'vision', 'reasoning', 'jsonSchema'] as const;

/** The longest fallback list a model may have. */
export const MAX_FALLBACKS = 5;

export function parseModelEntries(value: unknown, providerIds: string[]): ModelEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError('models', 'must be a list');
  return value.map((raw, index) => parseModelEntry(raw, `models[${index}]`, providerIds));
}

function parseModelEntry(raw: unknown, field: string, providerIds: string[]): ModelEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(field, 'must be a mapping');
  const entry = raw as Record<string, unknown>;
  const id = entry.id;
  if (typeof id !== 'string' || id === '') throw new ConfigError(`${field}.id`, 'must be a non-empty string');
  if (entry.disabled === true) return { kind: 'disable', id };
  if (entry.aliasOf !== undefined) {
    if (typeof entry.aliasOf !== 'string') throw new ConfigError(`${field}.aliasOf`, 'must be a model id');
    return { kind: 'alias', id, aliasOf: entry.aliasOf };
  }

  const fields: Partial<Omit<CatalogModel, 'id' | 'aliasOf'>> = {};
  if (entry.provider !== undefined) {
    if (typeof entry.provider !== 'string' || !providerIds.includes(entry.provider)) {
      throw new ConfigError(`${field}.provider`, `must be one of ${providerIds.join(', ')} (got ${JSON.stringify(entry.provider)})`);
    }
    fields.provider = entry.provider;
  }
  if (entry.upstreamId !== undefined) {
    if (typeof entry.upstreamId !== 'string' || entry.upstreamId === '') throw new ConfigError(`${field}.upstreamId`, 'must be a non-empty string');
    fields.upstreamId = entry.upstreamId;
  }
  for (const limit of ['contextWindow', 'maxOutputTokens'] as const) {
    if (entry[limit] === undefined) continue;
    if (!Number.isInteger(entry[limit]) || (entry[limit] as number) <= 0) throw new ConfigError(`${field}.${limit}`, 'must be a positive integer');
    fields[limit] = entry[limit] as number;
  }
  if (entry.capabilities !== undefined) {
    const capabilities = entry.capabilities as Record<string, unknown>;
    if (typeof capabilities !== 'object' || capabilities === null) throw new ConfigError(`${field}.capabilities`, 'must be a mapping');
    for (const [name, flag] of Object.entries(capabilities)) {
      if (!(CAPABILITIES as readonly string[]).includes(name)) throw new ConfigError(`${field}.capabilities.${name}`, `is not a capability (${CAPABILITIES.join(', ')})`);
      if (typeof flag !== 'boolean') throw new ConfigError(`${field}.capabilities.${name}`, 'must be true or false');
    }
    fields.capabilities = capabilities as never;
  }
  if (entry.pricing !== undefined) fields.pricing = parsePricing(entry.pricing, `${field}.pricing`);
  if (entry.parameters !== undefined) fields.parameters = parseParameters(entry.parameters, `${field}.parameters`);
  if (entry.fallbacks !== undefined) {
    if (!Array.isArray(entry.fallbacks) || entry.fallbacks.length > MAX_FALLBACKS || entry.fallbacks.some((fallback) => typeof fallback !== 'string' || fallback === '')) {
      throw new ConfigError(`${field}.fallbacks`, `must be a list of at most ${MAX_FALLBACKS} model ids`);
    }
    fields.fallbacks = entry.fallbacks as string[];
  }
  if (entry.strategy !== undefined) {
    if (entry.strategy !== 'weighted' && entry.strategy !== 'least-latency') throw new ConfigError(`${field}.strategy`, 'must be weighted or least-latency');
    fields.strategy = entry.strategy;
  }
  if (entry.fallbackOn !== undefined) {
    if (!Array.isArray(entry.fallbackOn) || entry.fallbackOn.some((kind) => !(REFUSAL_KINDS as readonly unknown[]).includes(kind))) {
      throw new ConfigError(`${field}.fallbackOn`, `must be a list of ${REFUSAL_KINDS.join(', ')}`);
    }
    fields.fallbackOn = entry.fallbackOn as RefusalKind[];
  }
  if (entry.streamResume !== undefined) {
    if (typeof entry.streamResume !== 'boolean') throw new ConfigError(`${field}.streamResume`, 'must be true or false');
    fields.streamResume = entry.streamResume;
  }
  if (entry.timeouts !== undefined) fields.timeouts = parseModelTimeouts(entry.timeouts, `${field}.timeouts`);
  return { kind: 'define', id, fields };
}

/** `timeouts: { firstByteMs, idleMs, totalMs }` of one model, each optional; connecting is the gateway's. */
function parseModelTimeouts(raw: unknown, field: string): ModelTimeouts {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(field, 'must be a mapping of firstByteMs, idleMs, totalMs');
  const timeouts: ModelTimeouts = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name !== 'firstByteMs' && name !== 'idleMs' && name !== 'totalMs') throw new ConfigError(`${field}.${name}`, 'is not a model timeout (firstByteMs, idleMs, totalMs; connectMs is the gateway\'s)');
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 100 || value > 24 * 3_600_000) throw new ConfigError(`${field}.${name}`, 'must be a whole number of milliseconds from 100 to 86400000');
    timeouts[name] = value;
  }
  return timeouts;
}

/** YAML prices are USD per million tokens, as providers publish them; stored as integer micro-USD. */
/**
 * `pricing: { input, cachedInput?, cacheWrite?, output, tiers? }` in USD per million tokens; each
 * tier `{ aboveInputTokens, input, cachedInput?, cacheWrite?, output }` prices a request whose prompt
 * passes its threshold (long-context prices). An override replaces the model's pricing whole.
 */
function parsePricing(raw: unknown, field: string): CatalogModel['pricing'] {
  if (typeof raw !== 'object' || raw === null) throw new ConfigError(field, 'must be a mapping of input, cachedInput, output (USD per million tokens)');
  const pricing = parsePrices(raw as Record<string, unknown>, field);
  const tiers = (raw as Record<string, unknown>).tiers;
  if (tiers === undefined) return pricing;
  if (!Array.isArray(tiers) || tiers.length === 0) throw new ConfigError(`${field}.tiers`, 'must be a non-empty list of { aboveInputTokens, input, output }');
  let previous = 0;
  pricing.tiers = tiers.map((tier: unknown, index) => {
    const tierField = `${field}.tiers[${index}]`;
    if (typeof tier !== 'object' || tier === null) throw new ConfigError(tierField, 'must be a mapping of aboveInputTokens, input, output');
    const above = (tier as Record<string, unknown>).aboveInputTokens;
    if (typeof above !== 'number' || !Number.isSafeInteger(above) || above <= previous) throw new ConfigError(`${tierField}.aboveInputTokens`, 'must be a whole number of tokens, above the tier before it');
    previous = above;
    return { aboveInputTokens: above, ...parsePrices(tier as Record<string, unknown>, tierField) };
  });
  return pricing;
}

function parsePrices(pricing: Record<string, unknown>, field: string): CatalogModel['pricing'] {
  const read = (name: string, fallback?: number): number => {
    const value = pricing[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigError(`${field}.${name}`, 'must be a non-negative number (USD per million tokens)');
    return Math.round(value * 1e6);
  };
  const input = read('input');
  return {
    inputPerMillion: input,
    cachedInputPerMillion: read('cachedInput', input / 1e6),
    ...(pricing.cacheWrite === undefined ? {} : { cacheWritePerMillion: read('cacheWrite') }),
    outputPerMillion: read('output'),
  };
}

function parseParameters(raw: unknown, field: string): ModelParameterRules {
  if (typeof raw !== 'object' || raw === null) throw new ConfigError(field, 'must be a mapping');
  const parameters = raw as Record<string, unknown>;
  const rules: ModelParameterRules = {};
  if (parameters.maxTokensField !== undefined) {
    if (parameters.maxTokensField !== 'max_tokens' && parameters.maxTokensField !== 'max_completion_tokens') {
      throw new ConfigError(`${field}.maxTokensField`, 'must be max_tokens or max_completion_tokens');
    }
    rules.maxTokensField = parameters.maxTokensField;
  }
  if (parameters.unsupported !== undefined) {
    if (!Array.isArray(parameters.unsupported) || parameters.unsupported.some((name) => typeof name !== 'string')) {
      throw new ConfigError(`${field}.unsupported`, 'must be a list of parameter names');
    }
    rules.unsupported = parameters.unsupported as string[];
  }
  if (parameters.reasoningEffort !== undefined) {
    const effort = parameters.reasoningEffort;
    if (effort !== false && (typeof effort !== 'object' || effort === null || Object.values(effort).some((value) => typeof value !== 'string'))) {
      throw new ConfigError(`${field}.reasoningEffort`, 'must be false or a mapping from requested to upstream effort');
    }
    rules.reasoningEffort = effort as ModelParameterRules['reasoningEffort'];
  }
  return rules;
}
