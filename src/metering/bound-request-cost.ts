import type { CatalogModel } from '../catalog/catalog-model.ts';
import { computeCost } from './compute-cost.ts';

/**
 * Tokens one image may cost: more than any provider charges for one (OpenAI high detail tops out
 * near 1,500, Claude near 1,600, Gemini at 258 per tile) — images are bounded by count, not bytes.
 */
const IMAGE_TOKENS = 2_000;
/** Message framing (role markers, separators) per object in the request; providers add a few tokens per message. */
const TOKENS_PER_OBJECT = 4;
const IMAGE_PART_TYPES = new Set(['image_url', 'image', 'input_image']);
const OUTPUT_LIMIT_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;
/** OpenAI's most choices per request; a larger `n` is refused by the provider, and must not make the reservation unbounded. */
const MOST_CHOICES = 128;

/**
 * The most a request can cost, in micro-credits: what the gateway reserves before dispatch. No
 * tokenizer runs on the hot path for it: a token is never shorter than one UTF-8 byte, so the
 * prompt's text bytes bound its tokens on every provider, priced at the dearer of the input and
 * cache-write prices; the output is bounded by the request's own limit (`max_tokens`,
 * `max_completion_tokens`, `max_output_tokens`) but never above the model's (no provider writes
 * more than its model can; a `max_tokens` of 1e308 is the client's to send, not a reservation of
 * 1e308 tokens), times `n` (at most 128). Whatever the provider reports later is at most this, so
 * a request's real cost never exceeds its reservation; the result is always a safe integer.
 * Works on the body of any surface (chat, Messages, Responses, Gemini's `generationConfig`
 * `maxOutputTokens` and `candidateCount`), translated or passed through.
 */
export function boundRequestCost(body: unknown, model: CatalogModel): number {
  const { promptTokens, completionTokens } = boundRequestUsage(body, model);
  const writesCost = (model.pricing.cacheWritePerMillion ?? 0) > model.pricing.inputPerMillion;
  return computeCost({ promptTokens, cacheWriteTokens: writesCost ? promptTokens : undefined, completionTokens }, model.pricing);
}

/** The most a request can use: tokens, choices, and the units (images, seconds) of an operation that bills them. */
export interface UsageBound {
  promptTokens: number;
  completionTokens: number;
  choices: number;
  units?: { variant: string; count: number };
}

/** The most tokens a request can use: its prompt's bound and its output's (the reservation's terms), and how many choices it asked for. */
export function boundRequestUsage(body: unknown, model: CatalogModel): UsageBound {
  const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  // Gemini's limits are in `generationConfig` (proto JSON also takes snake_case names).
  const generation = [request.generationConfig, request.generation_config].find((value): value is Record<string, unknown> => typeof value === 'object' && value !== null) ?? {};
  const limits = [...OUTPUT_LIMIT_FIELDS.map((field) => request[field]), generation.maxOutputTokens, generation.max_output_tokens];
  const requestedLimit = limits.find((value): value is number => typeof value === 'number' && value > 0);
  const n = [request.n, generation.candidateCount, generation.candidate_count].find((value): value is number => typeof value === 'number');
  const choices = n !== undefined && n > 1 ? Math.min(Math.trunc(n), MOST_CHOICES) : 1;
  return { promptTokens: boundPromptTokens(request), completionTokens: Math.ceil(Math.min(requestedLimit ?? model.maxOutputTokens, model.maxOutputTokens)) * choices, choices };
}

/** An upper bound of the prompt's tokens: the UTF-8 bytes of every string, a token per id of a token-id list, images at a fixed price, a few tokens per object. */
function boundPromptTokens(value: unknown): number {
  if (typeof value === 'string') return value.startsWith('data:') ? IMAGE_TOKENS : Buffer.byteLength(value);
  // A list of numbers is a prompt of token ids (embeddings, legacy completions): one token each.
  if (Array.isArray(value)) return value.reduce((total: number, item) => total + (typeof item === 'number' ? 1 : boundPromptTokens(item)), 0);
  if (typeof value !== 'object' || value === null) return 0;
  const object = value as Record<string, unknown>;
  // Anthropic's base64 image source: { type: 'base64', media_type, data }.
  if (object.type === 'base64' && typeof object.data === 'string') return IMAGE_TOKENS;
  let tokens = TOKENS_PER_OBJECT + (typeof object.type === 'string' && IMAGE_PART_TYPES.has(object.type) ? IMAGE_TOKENS : 0);
  for (const field in object) tokens += boundPromptTokens(object[field]);
  return tokens;
}
