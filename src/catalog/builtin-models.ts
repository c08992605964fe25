import type { CatalogModel, ModelParameterRules } from './catalog-model.ts';

/**
 * OpenAI's reasoning models take `max_completion_tokens` only, and reject `stop`, penalties and
 * sampling parameters other than their defaults.
 * @see https://platform.openai.com/docs/guides/reasoning
 */
const OPENAI_SAMPLING = ['temperature', 'top_p', 'logprobs', 'top_logprobs'];
const OPENAI_ALWAYS_UNSUPPORTED = ['stop', 'presence_penalty', 'frequency_penalty', 'logit_bias'];
const OPENAI_REASONING_RULES: ModelParameterRules = {
  maxTokensField: 'max_completion_tokens',
  unsupported: [...OPENAI_ALWAYS_UNSUPPORTED, ...OPENAI_SAMPLING],
  reasoningEffort: { minimal: 'minimal', low: 'low', medium: 'medium', high: 'high' },
};

/**
 * xAI reasoning models reject presence/frequency penalties and stop sequences.
 * @see https://docs.x.ai/docs/guides/reasoning
 */
const XAI_REASONING_UNSUPPORTED = ['presence_penalty', 'frequency_penalty', 'stop'];

const CREATED = 1_735_689_600; // 2025-01-01: the catalog's own date, not the provider's release date

/** Prices: USD per million tokens, list prices of each provider, in micro-USD (× 1e6) so they are integers. */
function usdPerMillion(input: number, cachedInput: number, output: number, cacheWrite?: number) {
  return {
    inputPerMillion: Math.round(input * 1e6),
    cachedInputPerMillion: Math.round(cachedInput * 1e6),
    ...(cacheWrite === undefined ? {} : { cacheWritePerMillion: Math.round(cacheWrite * 1e6) }),
    outputPerMillion: Math.round(output * 1e6),
  };
}

/**
 * Claude models: extended thinking is asked for with a token budget, which the Anthropic adapter
 * derives from `reasoning_effort`; cache writes (5-minute) cost 1.25× input, reads 0.1×.
 * @see https://docs.anthropic.com/en/docs/about-claude/pricing
 */
function claude(id: string, input: number, output: number, maxOutputTokens: number, contextWindow = 200_000): CatalogModel {
  return {
    id,
    provider: 'anthropic',
    upstreamId: id,
    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true },
    contextWindow,
    maxOutputTokens,
    pricing: usdPerMillion(input, input / 10, output, input * 1.25),
    parameters: { defaultMaxTokens: 8_192 },
    created: CREATED,
  };
}

/** Gemini models on Google's Gemini API. @see https://ai.google.dev/gemini-api/docs/models */
function gemini(id: string, input: number, cachedInput: number, output: number): CatalogModel {
  return {
    id,
    provider: 'google',
    upstreamId: id,
    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true },
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: usdPerMillion(input, cachedInput, output),
    parameters: {},
    created: CREATED,
  };
}

/** The seed's thirteen models, ids exactly as the seed writes them, then current Claude and Gemini models. */
export const BUILTIN_MODELS: CatalogModel[] = [
  {
    id: 'gpt-5.1-chat-latest',
    provider: 'openai',
    upstreamId: 'gpt-5.1-chat-latest',
    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true },
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: usdPerMillion(1.25, 0.125, 10),
    // Reasons at a fixed "medium" effort.
    parameters: { ...OPENAI_REASONING_RULES, reasoningEffort: { minimal: 'medium', low: 'medium', medium: 'medium', high: 'medium' } },
    created: CREATED,
  },
  {
    id: 'gpt-5.1',
    provider: 'openai',
    upstreamId: 'gpt-5.1',
    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true },
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: usdPerMillion(1.25, 0.125, 10),
    // Reasoning defaults to "none", where sampling parameters are allowed; "minimal" is gone.
    // @see https://platform.openai.com/docs/guides/latest-model
    parameters: {
      maxTokensField: 'max_completion_tokens',
      unsupported: OPENAI_ALWAYS_UNSUPPORTED,
      unsupportedWhileReasoning: OPENAI_SAMPLING,
      reasoningEffort: { none: 'none', minimal: 'low', low: 'low', medium: 'medium', high: 'high' },
    },
    created: CREATED,
  },
  {
    id: 'gpt-5-chat-latest',
    provider: 'openai',
    upstreamId: 'gpt-5-chat-latest',
    // The ChatGPT snapshot: no function calling, no reasoning.
    capabilities: { tools: false, vision: true, reasoning: false, jsonSchema: true },
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    pricing: usdPerMillion(1.25, 0.125, 10),
    parameters: { maxTokensField: 'max_completion_tokens', reasoningEffort: false },
    created: CREATED,
  },
  {
    id: 'gpt-5',
    provider: 'openai',
    upstreamId: 'gpt-5',
    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true },
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: usdPerMillion(1.25, 0.125, 10),
    parameters: OPENAI_REASONING_RULES,
    created: CREATED,
  },
  {
    id: 'gpt-5-mini',
    provider: 'openai',
    upstreamId: 'gpt-5-mini',
    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true },
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: usdPerMillion(0.25, 0.025, 2),
    parameters: OPENAI_REASONING_RULES,
    created: CREATED,
  },
  {
    id: 'accounts/fireworks/models/gpt-oss-120b',
    provider: 'fireworks',
    upstreamId: 'accounts/fireworks/models/gpt-oss-120b',
    capabilities: { tools: true, vision: false, reasoning: true, jsonSchema: true },
    contextWindow: 131_072,
    maxOutputTokens: 32_768,
    pricing: usdPerMillion(0.15, 0.15, 0.6),
    parameters: { reasoningEffort: { minimal: 'low', low: 'low', medium: 'medium', high: 'high' } },
    created: CREATED,
  },
  {
    id: 'grok-3-mini',
    provider: 'xai',
    upstreamId: 'grok-3-mini',
    capabilities: { tools: true, vision: false, reasoning: true, jsonSchema: true },
    contextWindow: 131_072,
    maxOutputTokens: 131_072,
    pricing: usdPerMillion(0.3, 0.075, 0.5),
    // grok-3-mini takes only "low" and "high".
    parameters: {
      unsupported: XAI_REASONING_UNSUPPORTED,
      reasoningEffort: { minimal: 'low', low: 'low', medium: 'high', high: 'high' },
    },
    created: CREATED,
  },
  {
    id: 'grok-4',
    provider: 'xai',
    upstreamId: 'grok-4',
    capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true },
    contextWindow: 256_000,
    maxOutputTokens: 256_000,
    pricing: usdPerMillion(3, 0.75, 15),
    // grok-4 always reasons and answers an error when reasoning_effort is sent.
    parameters: { unsupported: XAI_REASONING_UNSUPPORTED, reasoningEffort: false },
    created: CREATED,
  },
  {
    id: 'google/gemma-3-27b-it',
    provider: 'google',
    upstreamId: 'gemma-3-27b-it',
    // Gemma on the Gemini API: no function calling, no system instruction, no JSON mode.
    capabilities: { tools: false, vision: true, reasoning: false, jsonSchema: false },
    contextWindow: 131_072,
    maxOutputTokens: 8_192,
    pricing: usdPerMillion(0, 0, 0),
    parameters: { reasoningEffort: false },
    created: CREATED,
  },
  {
    id: 'accounts/fireworks/models/llama4-scout-instruct-basic',
    provider: 'fireworks',
    upstreamId: 'accounts/fireworks/models/llama4-scout-instruct-basic',
    capabilities: { tools: true, vision: true, reasoning: false, jsonSchema: true },
    contextWindow: 1_048_576,
    maxOutputTokens: 16_384,
    pricing: usdPerMillion(0.15, 0.15, 0.6),
    parameters: { reasoningEffort: false },
    created: CREATED,
  },
  {
    id: 'accounts/fireworks/models/llama4-maverick-instruct-basic',
    provider: 'fireworks',
    upstreamId: 'accounts/fireworks/models/llama4-maverick-instruct-basic',
    capabilities: { tools: true, vision: true, reasoning: false, jsonSchema: true },
    contextWindow: 1_048_576,
    maxOutputTokens: 16_384,
    pricing: usdPerMillion(0.22, 0.22, 0.88),
    parameters: { reasoningEffort: false },
    created: CREATED,
  },
  {
    id: 'sonar-pro',
    provider: 'perplexity',
    upstreamId: 'sonar-pro',
    capabilities: { tools: false, vision: true, reasoning: false, jsonSchema: true },
    contextWindow: 200_000,
    maxOutputTokens: 8_000,
    pricing: usdPerMillion(3, 3, 15),
    parameters: { reasoningEffort: false },
    created: CREATED,
  },
  {
    id: 'sonar-reasoning-pro',
    provider: 'perplexity',
    upstreamId: 'sonar-reasoning-pro',
    capabilities: { tools: false, vision: true, reasoning: true, jsonSchema: true },
    contextWindow: 128_000,
    maxOutputTokens: 8_000,
    pricing: usdPerMillion(2, 2, 8),
    parameters: {},
    created: CREATED,
  },
  // 1M-token context and 128K output. @see https://platform.claude.com/docs/en/models/sonnet-4-6/overview
  claude('claude-sonnet-4-6', 3, 15, 128_000, 1_000_000),
  claude('claude-opus-4-5', 5, 25, 64_000),
  claude('claude-haiku-4-5', 1, 5, 64_000),
  gemini('gemini-2.5-pro', 1.25, 0.125, 10),
  gemini('gemini-2.5-flash', 0.3, 0.03, 2.5),
  gemini('gemini-3-pro-preview', 2, 0.2, 12),
];
