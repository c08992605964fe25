/** What the gateway knows about one model it serves. Built-in entries live in builtin-models.ts; YAML can add, override, alias or disable. */
export interface CatalogModel {
  /** The id clients send, exactly as the gateway publishes it. */
  id: string;
  /** Id of the provider adapter that serves it ('openai', 'xai', 'fireworks', 'perplexity', …). */
  provider: string;
  /** What the model does, so each route serves only its own kind; absent: `chat`. */
  kind?: ModelKind;
  /** An embedding model's vectors: their native length, and whether a request may ask for fewer (`dimensions`). */
  embedding?: EmbeddingFacts;
  /** The model id sent upstream. */
  upstreamId: string;
  /** When this entry is an alias, the id of the model it points to. */
  aliasOf?: string;
  capabilities: ModelCapabilities;
  contextWindow: number;
  maxOutputTokens: number;
  pricing: ModelPricing;
  parameters: ModelParameterRules;
  /** Unix seconds, shown as `created` in /models. */
  created: number;
  /** Models tried in order when this one's provider fails before answering (YAML `fallbacks`). */
  fallbacks?: string[];
  /** How this model's calls pick a deployment, over its provider's `strategy` (YAML). */
  strategy?: 'weighted' | 'least-latency';
  /** Refusals that fall back to the next model too (YAML `fallbackOn`), beside connection errors, timeouts, 429 and 5xx. */
  fallbackOn?: RefusalKind[];
  /** Continue a translated stream that breaks midway through text on another deployment (YAML `streamResume`; a request's `stream_resume` wins). */
  streamResume?: boolean;
  /**
   * This model's own deadlines (YAML `timeouts`), over its provider's and deployment's: first byte
   * and idle between chunks per upstream call, total for a request that asks for it.
   */
  timeouts?: ModelTimeouts;
}

/** What a model does: chat (every chat surface), embedding (`/v1/embeddings`), moderation (`/v1/moderations`), speech (`/v1/audio/speech`), transcription (`/v1/audio/transcriptions`), image (`/v1/images/generations`, `/v1/images/edits`), video (`/v1/videos`). */
export const MODEL_KINDS = ['chat', 'embedding', 'moderation', 'speech', 'transcription', 'image', 'video'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface EmbeddingFacts {
  dimensions: number;
  /** The smallest `dimensions` a request may ask for; absent: the model takes no `dimensions`. */
  minDimensions?: number;
  /** Most inputs in one request. */
  maxInputs: number;
}

/** Refusals a model's `fallbackOn` may turn into a failover: the prompt is too long for it, or its provider's content policy refused it. */
export const REFUSAL_KINDS = ['context_length', 'content_policy'] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

export interface ModelTimeouts {
  firstByteMs?: number;
  idleMs?: number;
  totalMs?: number;
}

export interface ModelCapabilities {
  tools: boolean;
  vision: boolean;
  reasoning: boolean;
  jsonSchema: boolean;
}

/** Prices in micro-USD per million tokens: integers, so no floating-point money anywhere downstream. */
export interface ModelPricing {
  inputPerMillion: number;
  cachedInputPerMillion: number;
  /** Writing to the prompt cache (Anthropic); when absent, cache writes cost the input price. */
  cacheWritePerMillion?: number;
  /** Input tokens that are images, where the provider prices them apart (gpt-image's edits); when absent, the input price. */
  imageInputPerMillion?: number;
  outputPerMillion: number;
  /**
   * Long-context prices (Claude and Gemini above 200K prompt tokens, GPT-5.4 above 272K): a request
   * whose prompt tokens (cached ones included) pass `aboveInputTokens` is priced whole at that
   * tier's prices. Ascending.
   */
  tiers?: PriceTier[];
  /** Models priced per image, character or second (besides or instead of tokens): micro-USD per unit. */
  perUnit?: UnitPricing;
}

/** What a model bills by other than tokens, as its provider prices it. */
export interface UnitPricing {
  unit: BilledUnit;
  /**
   * Micro-USD per unit by variant: `default`, or what changes the price (an image's `1024x1792/hd`).
   * A variant the table lacks is priced at its dearest entry: never below the provider's price.
   */
  prices: Record<string, number>;
}

export const BILLED_UNITS = ['image', 'character', 'second'] as const;
export type BilledUnit = (typeof BILLED_UNITS)[number];

export interface PriceTier {
  aboveInputTokens: number;
  inputPerMillion: number;
  cachedInputPerMillion: number;
  cacheWritePerMillion?: number;
  outputPerMillion: number;
}

/** How a model's parameters differ from the OpenAI chat contract. Provider differences are data. */
export interface ModelParameterRules {
  /** The field the model takes for its output-token limit; the other one is renamed to it. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Parameters the model rejects: the gateway drops them and reports it in a response header. */
  unsupported?: string[];
  /**
   * Parameters the model takes only while it does not reason (`reasoning_effort` absent or
   * "none"), e.g. gpt-5.1's sampling parameters: dropped, and reported, when an effort is set.
   */
  unsupportedWhileReasoning?: string[];
  /**
   * How `reasoning_effort` maps onto what the model accepts: a table from the client's value to the
   * upstream value, or `false` when the model takes no reasoning_effort at all (dropped, reported).
   */
  reasoningEffort?: false | Record<string, string>;
  /** Output-token limit sent when the client sets none, for providers that require one (Anthropic). */
  defaultMaxTokens?: number;
}
