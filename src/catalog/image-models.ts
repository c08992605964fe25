import type { CatalogModel } from './catalog-model.ts';

const CREATED = 1_735_689_600; // the catalog's own date, as for the chat models
const NO_CAPABILITIES = { tools: false, vision: false, reasoning: false, jsonSchema: false };

/** What an image model takes and how its provider bills it: what the images routes check and bound. */
export interface ImageFacts {
  /** `tokens`: billed from the answer's usage (gpt-image, Gemini); `image`: per image made, at the catalog's `perUnit` price of its variant. */
  billing: 'tokens' | 'image';
  /** The `size` values the model takes, its default first; absent: it takes no `size` (grok). */
  sizes?: readonly string[];
  /** The `quality` values the model takes, its default first; absent: it takes no `quality`. */
  qualities?: readonly string[];
  /** Most images one request may ask for (`n`). */
  maxImages: number;
  /** Output tokens of one image by `quality/size` (token-billed models): a request is bounded by the dearest it may get. */
  outputTokens?: Readonly<Record<string, number>>;
  /** The model answers `url` when asked (dall-e, grok); the gpt-image models answer `b64_json` only. */
  urls: boolean;
  /** `/v1/images/edits` serves it (the gpt-image models). */
  edits: boolean;
  /** It streams partial images (`stream: true`, passed through): the gpt-image models. */
  streams?: boolean;
}

/**
 * gpt-image-1's output tokens per image, from OpenAI's image generation guide ("auto" may be any).
 * @see https://platform.openai.com/docs/guides/image-generation#cost-and-latency
 */
const GPT_IMAGE_OUTPUT_TOKENS = {
  'low/1024x1024': 272,
  'low/1024x1536': 408,
  'low/1536x1024': 400,
  'medium/1024x1024': 1_056,
  'medium/1024x1536': 1_584,
  'medium/1536x1024': 1_568,
  'high/1024x1024': 4_160,
  'high/1024x1536': 6_240,
  'high/1536x1024': 6_208,
};
const GPT_IMAGE: ImageFacts = {
  billing: 'tokens',
  sizes: ['auto', '1024x1024', '1536x1024', '1024x1536'],
  qualities: ['auto', 'low', 'medium', 'high'],
  maxImages: 10,
  outputTokens: GPT_IMAGE_OUTPUT_TOKENS,
  urls: false,
  edits: true,
  streams: true,
};

/** Facts by upstream model id (a YAML alias of one is the same model). */
const IMAGE_FACTS: Record<string, ImageFacts> = {
  'gpt-image-1': GPT_IMAGE,
  'gpt-image-1-mini': GPT_IMAGE,
  'dall-e-3': { billing: 'image', sizes: ['1024x1024', '1792x1024', '1024x1792'], qualities: ['standard', 'hd'], maxImages: 1, urls: true, edits: false },
  'grok-imagine-image': { billing: 'image', maxImages: 10, urls: true, edits: false },
  // Every aspect ratio is 1,290 tokens; the gateway asks for 1:1 (1024x1024), the one size it maps.
  'gemini-2.5-flash-image': { billing: 'tokens', sizes: ['auto', '1024x1024'], maxImages: 10, outputTokens: { 'auto/1024x1024': 1_290 }, urls: false, edits: false },
};

/** The image facts of a catalog model of kind `image`; undefined for any other. */
export function imageFactsOf(model: CatalogModel): ImageFacts | undefined {
  return model.kind === 'image' ? (IMAGE_FACTS[model.upstreamId] ?? IMAGE_FACTS[model.id]) : undefined;
}

/** USD per million tokens as micro-USD (integers). */
function perMillion(usd: number): number {
  return Math.round(usd * 1e6);
}

function imageModel(provider: string, id: string, contextWindow: number, maxOutputTokens: number, pricing: CatalogModel['pricing']): CatalogModel {
  return { id, provider, upstreamId: id, kind: 'image', capabilities: NO_CAPABILITIES, contextWindow, maxOutputTokens, pricing, parameters: {}, created: CREATED };
}

/**
 * The image models (`/v1/images/generations`, `/v1/images/edits`), priced as each provider prices
 * them. By the token, from `@pydantic/genai-prices` 0.1.8: gpt-image-1 text input $5 (cached
 * $1.25), image output $40 per million; gpt-image-1-mini $2 (cached $0.20) and $8;
 * gemini-2.5-flash-image input $0.30, image output $30 per million (1,290 tokens an image). Input
 * image tokens of an edit (`usage.input_tokens_details.image_tokens`) at OpenAI's image input
 * price: $10 and $2.50 per million (its price list). By the image: dall-e-3 by size and quality (OpenAI's
 * price list: $0.04 standard 1024x1024, $0.08 standard 1792x1024 or 1024x1792 and hd 1024x1024,
 * $0.12 hd 1792x1024 or 1024x1792); grok-imagine-image $0.02 (xAI's price list; the current
 * model — grok-2-image-1212, $0.07, is retired).
 */
export const IMAGE_MODELS: CatalogModel[] = [
  imageModel('openai', 'gpt-image-1', 32_000, 6_240, { inputPerMillion: perMillion(5), cachedInputPerMillion: perMillion(1.25), imageInputPerMillion: perMillion(10), outputPerMillion: perMillion(40) }),
  imageModel('openai', 'gpt-image-1-mini', 32_000, 6_240, { inputPerMillion: perMillion(2), cachedInputPerMillion: perMillion(0.2), imageInputPerMillion: perMillion(2.5), outputPerMillion: perMillion(8) }),
  imageModel('openai', 'dall-e-3', 4_000, 0, {
    inputPerMillion: 0,
    cachedInputPerMillion: 0,
    outputPerMillion: 0,
    perUnit: {
      unit: 'image',
      prices: { '1024x1024/standard': 40_000, '1792x1024/standard': 80_000, '1024x1792/standard': 80_000, '1024x1024/hd': 80_000, '1792x1024/hd': 120_000, '1024x1792/hd': 120_000 },
    },
  }),
  imageModel('xai', 'grok-imagine-image', 8_000, 0, { inputPerMillion: 0, cachedInputPerMillion: 0, outputPerMillion: 0, perUnit: { unit: 'image', prices: { default: 20_000 } } }),
  imageModel('google', 'gemini-2.5-flash-image', 32_768, 1_290, { inputPerMillion: perMillion(0.3), cachedInputPerMillion: perMillion(0.3), outputPerMillion: perMillion(30) }),
];
