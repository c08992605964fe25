import type { CatalogModel } from '../../catalog/catalog-model.ts';
import { imageFactsOf, type ImageFacts } from '../../catalog/image-models.ts';
import { creditsAsNumber } from '../../core/credits-as-number.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import type { TokenUsage } from '../../core/usage.ts';
import type { Readable } from 'node:stream';
import type { ModelOperation, OperationContext, OperationResult } from '../../gateway/model-operation.ts';
import { encodeMultipartForm } from '../../providers/encode-multipart-form.ts';
import type { ImageFile, ImageResult } from '../../providers/image-call.ts';
import type { ProviderAdapter } from '../../providers/provider-adapter.ts';
import { usageOfEvent } from '../../streaming/usage-of-event.ts';
import { watchStreamUsage } from '../../gateway/watch-stream-usage.ts';
import { throwOpenAIFailure } from '../openai-speech/throw-openai-failure.ts';
import { encodeOpenAIError } from '../openai-chat/encode-openai-error.ts';
import type { ImagesEditRequest, ImagesGenerateRequest } from './images-request-schema.ts';

/** Output tokens each partial image of a stream costs (OpenAI's image generation guide). */
const PARTIAL_IMAGE_TOKENS = 100;
/** OpenAI's default image model, when a request names none (shut down: an unknown model here). */
const DEFAULT_MODEL = 'dall-e-2';
/**
 * Input tokens one uploaded image (or mask) may cost: more than OpenAI counts for one at high
 * fidelity — uploads are bounded by count, not bytes.
 */
const INPUT_IMAGE_TOKENS = 8_000;

/**
 * OpenAI's images API for every image model of the catalog: OpenAI's and xAI's (the same API
 * upstream), Gemini's (`generateContent` asked for an image). Models billed by the token
 * (gpt-image, Gemini) are billed from the answer's `usage`, shown with the gateway's `cost`;
 * models billed by the image (dall-e-3 by size and quality, grok) by the images made, the cost
 * beside `data`. A request is bounded by its prompt's bytes and, per image, the dearest output the
 * model may make for the size and quality asked (or the dearest variant's price).
 */
export const openAIImagesOperation: ModelOperation<ImagesGenerateRequest, ImageResult | StreamedImages> = {
  id: 'openai-images',
  kind: 'image',
  describe: (body) => ({ model: body.model ?? DEFAULT_MODEL }),
  check: (body, model) => checkImageRequest(body, model, 'generate'),
  bound: (body, model) => boundImageRequest(body, [], model),
  async call(adapter, body, context) {
    if (body.stream === true) return streamImages(adapter, body, [], context);
    if (!adapter.generateImages) throw GATEWAY_ERRORS.unsupportedCapability(context.model.id, 'image generation', 'model');
    const result = await adapter.generateImages({ ...context, operation: 'generate', fields: withoutModel(body) });
    return { result, ...usageOf(result, body, [], context.model), deployment: result.deployment };
  },
  encode: (result, { usage, cost }) => ('events' in result ? { status: 200, contentType: result.contentType, body: result.events } : encodeImagesResponse(result, usage, cost)),
  encodeError: encodeOpenAIError,
};

/** `POST /v1/images/edits`: the same, with the uploaded images (and mask) sent on as a multipart form. */
export const openAIImageEditsOperation: ModelOperation<ImagesEditRequest, ImageResult | StreamedImages> = {
  id: 'openai-images',
  kind: 'image',
  describe: (body) => ({ model: body.fields.model ?? DEFAULT_MODEL }),
  check: (body, model) => checkImageRequest(body.fields, model, 'edit'),
  bound: (body, model) => boundImageRequest(body.fields, body.files, model),
  async call(adapter, body, context) {
    if (body.fields.stream === true) return streamImages(adapter, body.fields, body.files, context);
    if (!adapter.generateImages) throw GATEWAY_ERRORS.unsupportedCapability(context.model.id, 'image edits', 'model');
    const result = await adapter.generateImages({ ...context, operation: 'edit', fields: withoutModel(body.fields), files: body.files });
    return { result, ...usageOf(result, body.fields, body.files, context.model), deployment: result.deployment };
  },
  encode: (result, { usage, cost }) => ('events' in result ? { status: 200, contentType: result.contentType, body: result.events } : encodeImagesResponse(result, usage, cost)),
  encodeError: encodeOpenAIError,
};

/** Images as the provider streams them (`stream: true`): its events, relayed as they come. */
export interface StreamedImages {
  events: Readable;
  contentType: string;
}

/**
 * `stream: true` on a model that streams (gpt-image): the request forwarded as OpenAI takes it
 * (JSON, or the edit's form), its `partial_image` and `completed` events relayed as they come,
 * and the request billed after the last with the usage the `completed` events report (summed over
 * the images; the estimate, flagged, when the stream ends without them).
 * @see https://platform.openai.com/docs/guides/image-generation#streaming
 */
async function streamImages(adapter: ProviderAdapter, body: ImagesGenerateRequest, files: readonly ImageFile[], { model, signal, onAttempt }: OperationContext): Promise<OperationResult<StreamedImages>> {
  if (!adapter.forward) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'streamed images', 'stream');
  const fields = { ...withoutModel(body), model: model.upstreamId };
  const request =
    files.length === 0
      ? { path: '/images/generations', contentType: 'application/json', body: JSON.stringify(fields) as string | Uint8Array }
      : (() => {
          const form = encodeMultipartForm(Object.entries(fields).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) })), files);
          return { path: '/images/edits', contentType: form.contentType, body: form.body as string | Uint8Array };
        })();
  const response = await adapter.forward({ method: 'POST', path: request.path, headers: { 'content-type': request.contentType, accept: 'text/event-stream' }, body: request.body, signal, onAttempt, timeouts: model.timeouts });
  if (response.status >= 400) return throwOpenAIFailure(adapter, model.provider, response, signal);
  // Each image's `completed` event reports its usage; the request is billed their sum.
  const { events, contentType, finalUsage } = await watchStreamUsage(model.provider, response, (event) => usageOfEvent(event.data, files.length === 0 ? 'image_generation.completed' : 'image_edit.completed'));
  // The estimate, should the stream end without its usage: the request's bound.
  const bound = boundImageRequest(body, files, model);
  return { result: { events, contentType }, usage: bound, usageEstimated: true, finalUsage, deployment: response.deployment };
}

/** The request's fields for the provider: the adapter names the model upstream. */
function withoutModel(body: ImagesGenerateRequest): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([field]) => field !== 'model'));
}

/** What the model's images API refuses, refused before admission in OpenAI's words. */
function checkImageRequest(body: ImagesGenerateRequest, model: CatalogModel, operation: 'generate' | 'edit'): void {
  const facts = factsOf(model);
  if (operation === 'edit' && !facts.edits) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'image edits (use /v1/images/generations)', 'model');
  // Partial images are streamed by the models that stream (gpt-image), passed through; the others answer whole.
  if (body.stream === true && !facts.streams) throw GATEWAY_ERRORS.unsupportedCapability(model.id, 'streamed images (stream)', 'stream');
  const n = body.n ?? 1;
  if (n > facts.maxImages) throw GATEWAY_ERRORS.invalidValue('n', `Model '${model.id}' makes at most ${facts.maxImages} image${facts.maxImages === 1 ? '' : 's'} per request; got n=${n}.`);
  if (facts.sizes && body.size !== undefined && !facts.sizes.includes(body.size)) {
    throw GATEWAY_ERRORS.invalidValue('size', `Invalid value: '${body.size}'. Supported values are: ${listValues(facts.sizes)}.`);
  }
  if (facts.qualities && body.quality !== undefined && !facts.qualities.includes(body.quality)) {
    throw GATEWAY_ERRORS.invalidValue('quality', `Invalid value: '${body.quality}'. Supported values are: ${listValues(facts.qualities)}.`);
  }
  if (!facts.urls && body.response_format === 'url') throw GATEWAY_ERRORS.unsupportedCapability(model.id, "response_format 'url' (its images come as b64_json)", 'response_format');
}

/**
 * The most the request can bill: its prompt's bytes (and a fixed price per uploaded image) as
 * input tokens; per image, the most output tokens of any size and quality the request leaves
 * open, or — billed by the image — its images at their variant's price.
 */
function boundImageRequest(body: ImagesGenerateRequest, files: readonly ImageFile[], model: CatalogModel): TokenUsage {
  const facts = factsOf(model);
  const n = Math.min(body.n ?? 1, facts.maxImages);
  const imagePromptTokens = files.length * INPUT_IMAGE_TOKENS;
  const promptTokens = Buffer.byteLength(body.prompt ?? '') + imagePromptTokens;
  if (facts.billing === 'image') return { promptTokens, completionTokens: 0, units: { variant: variantOf(body, facts), count: n } };
  // Each partial image a stream asks for costs output tokens of its own (OpenAI: 100).
  const partials = body.stream === true && typeof body.partial_images === 'number' ? body.partial_images * PARTIAL_IMAGE_TOKENS : 0;
  return { promptTokens, imagePromptTokens, completionTokens: n * (mostOutputTokens(body, facts, model) + partials) };
}

/** The usage billed: the provider's token counts, or the images made at their variant's price. */
function usageOf(result: ImageResult, body: ImagesGenerateRequest, files: readonly ImageFile[], model: CatalogModel): { usage: TokenUsage; usageEstimated?: boolean } {
  const facts = factsOf(model);
  if (facts.billing === 'image') return { usage: { promptTokens: 0, completionTokens: 0, units: { variant: variantOf(body, facts), count: result.images.length } } };
  if (result.usage) {
    const imagePromptTokens = result.usage.input_tokens_details?.image_tokens;
    return { usage: { promptTokens: result.usage.input_tokens, ...(imagePromptTokens !== undefined && { imagePromptTokens }), completionTokens: result.usage.output_tokens } };
  }
  // A provider that reports no tokens is billed its images at the most they may cost.
  const bound = boundImageRequest(body, files, model);
  return { usage: { promptTokens: bound.promptTokens, imagePromptTokens: bound.imagePromptTokens, completionTokens: result.images.length * mostOutputTokens(body, facts, model) }, usageEstimated: true };
}

/** OpenAI's `ImagesResponse`, with the gateway's cost: in `usage` when the model bills tokens, beside `data` when it bills images. */
function encodeImagesResponse(result: ImageResult, usage: TokenUsage | undefined, cost: number) {
  const base = { created: result.created, ...result.details, data: result.images };
  if (result.usage) {
    // Reported usage is billed as reported unless it passed the request's bound (then capped, and shown as billed).
    const billed = usage && (usage.promptTokens !== result.usage.input_tokens || usage.completionTokens !== result.usage.output_tokens) ? { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens } : {};
    return { status: 200, body: { ...base, usage: { ...result.usage, ...billed, cost: creditsAsNumber(cost) } } };
  }
  return { status: 200, body: { ...base, cost: creditsAsNumber(cost) } };
}

/** The price variant of a per-image model: `size/quality` at the model's defaults, or `default` for a model that takes neither. */
function variantOf(body: ImagesGenerateRequest, facts: ImageFacts): string {
  if (!facts.sizes) return 'default';
  const size = body.size ?? facts.sizes[0]!;
  return facts.qualities ? `${size}/${body.quality ?? facts.qualities[0]!}` : size;
}

/** The most output tokens one image may cost for the size and quality asked (`auto` or none: any). */
function mostOutputTokens(body: ImagesGenerateRequest, facts: ImageFacts, model: CatalogModel): number {
  const table = Object.entries(facts.outputTokens ?? {});
  const open = (value: string | undefined) => value === undefined || value === 'auto';
  const fitting = table.filter(([key]) => {
    const [quality, size] = key.split('/');
    return (open(body.quality) || quality === body.quality || quality === 'auto') && (open(body.size) || size === body.size || size === 'auto');
  });
  const counts = (fitting.length > 0 ? fitting : table).map(([, tokens]) => tokens);
  return counts.length > 0 ? Math.max(...counts) : model.maxOutputTokens;
}

/** An image model the catalog has no facts for (added in YAML): any size, up to 10 images, billed as its pricing says. */
function factsOf(model: CatalogModel): ImageFacts {
  return imageFactsOf(model) ?? { billing: model.pricing.perUnit ? 'image' : 'tokens', maxImages: 10, urls: true, edits: true };
}

/** "'a', 'b', and 'c'", the way OpenAI lists allowed values. */
function listValues(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}
