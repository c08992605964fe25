import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { applySimulatorFault } from '../apply-simulator-fault.ts';
import { estimateTokens } from '../estimate-tokens.ts';
import { openaiError, openaiSimulatorProfile } from '../openai-simulator-profile.ts';
import type { Exchange, SimulatorContext } from '../simulator-context.ts';
import { hasSimulatorCredentials } from '../simulator-credentials.ts';
import { SimulatorError } from '../simulator-error.ts';
import type { SimulatorProfile } from '../simulator-profile.ts';
import { xaiSimulatorProfile } from '../xai-simulator-profile.ts';
import { colourOf, encodeSolidPng } from './encode-solid-png.ts';
import { GPT_IMAGE_OUTPUT_TOKENS, OPENAI_IMAGE_MODELS, XAI_IMAGE_MODELS, type SimulatedImageModel } from './simulated-image-models.ts';
import { SIMULATED_JPEG_1024 } from './simulated-jpeg.ts';

/** Generated images kept for their URLs (dall-e's and grok's `url` answers), oldest dropped first. */
const KEPT_IMAGES = 256;
/** How long an image URL serves its image: OpenAI's are signed for an hour. */
const URL_LIFETIME_MS = 60 * 60 * 1000;
/** An edit's upload, whole: OpenAI takes up to 16 images under 50 MB each; the simulator keeps tests small. */
const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;
/** Input image tokens when the image's size cannot be read (a 1024x1024 image's). */
const DEFAULT_IMAGE_TOKENS = 765;

interface ImageRequest {
  model?: unknown;
  prompt?: unknown;
  n?: unknown;
  size?: unknown;
  quality?: unknown;
  response_format?: unknown;
  style?: unknown;
  output_format?: unknown;
  stream?: unknown;
  partial_images?: unknown;
}

interface ImagesProvider {
  profile: SimulatorProfile;
  models: readonly SimulatedImageModel[];
  /** A 400 in the provider's words. */
  invalid(message: string, param?: string | null, code?: string | null): SimulatorError;
  /** Where its image URLs point, under the simulator: OpenAI's blob store, xAI's imgen host. */
  filesPath: string;
}

const OPENAI: ImagesProvider = {
  profile: openaiSimulatorProfile,
  models: OPENAI_IMAGE_MODELS,
  invalid: (message, param = null, code = null) => openaiError(400, message, 'invalid_request_error', param, code),
  filesPath: '/openai-blob/private/images',
};

/** xAI's refusals: `{code, error}`. */
const XAI: ImagesProvider = {
  profile: xaiSimulatorProfile,
  models: XAI_IMAGE_MODELS,
  invalid: (message) => new SimulatorError(400, { code: 'Client specified an invalid argument', error: message }),
  filesPath: '/xai-imgen/xai-tmp-imgen',
};

interface KeptImage {
  bytes: Buffer;
  contentType: string;
  expiresAt: number;
}

/**
 * `POST {base}/images/generations` as OpenAI and xAI serve it, and OpenAI's `POST
 * {base}/images/edits` (multipart: `image` or `image[]`, `mask`, `prompt`, …): real PNGs of one
 * colour drawn from the prompt, at the requested size (xAI: a 1024x1024 JPEG, as grok writes
 * JPEG). gpt-image models answer `b64_json` with token `usage` (output tokens from OpenAI's table);
 * dall-e-3 and grok answer `url` (served by the simulator for an hour) or `b64_json`, without
 * token usage (xAI reports `usage.cost_in_usd_ticks`).
 */
export function registerOpenAIImagesSimulator(app: FastifyInstance, context: SimulatorContext): void {
  const kept = new Map<string, KeptImage>();
  const keep = (request: FastifyRequest, provider: ImagesProvider, bytes: Buffer, contentType: string): string => {
    const name = `${randomUUID()}.${contentType === 'image/png' ? 'png' : 'jpeg'}`;
    kept.set(name, { bytes, contentType, expiresAt: Date.now() + URL_LIFETIME_MS });
    while (kept.size > KEPT_IMAGES) kept.delete(kept.keys().next().value!);
    return `http://${request.headers.host}${provider.filesPath}/${name}`;
  };
  for (const provider of [OPENAI, XAI]) {
    app.post(`${provider.profile.basePath}/images/generations`, (request, reply) => handleImages(context, provider, request, reply, keep, undefined));
    app.get(`${provider.filesPath}/:name`, (request, reply) => {
      const image = kept.get((request.params as { name: string }).name);
      if (!image || image.expiresAt < Date.now()) return reply.code(404).header('content-type', 'application/xml').send('<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code></Error>');
      return reply.header('content-type', image.contentType).send(image.bytes);
    });
  }
  // Edits come as multipart with binary files: read whole (bounded), outside the simulators' text parser.
  void app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));
    scope.post(`${OPENAI.profile.basePath}/images/edits`, async (request, reply) => {
      const form = await readForm(request);
      return handleImages(context, OPENAI, request, reply, keep, form);
    });
  });
}

interface EditForm {
  fields: ImageRequest;
  images: Buffer[];
  /** Not multipart, or not readable as such. */
  unreadable?: boolean;
}

async function readForm(request: FastifyRequest): Promise<EditForm> {
  const contentType = request.headers['content-type'] ?? '';
  if (!Buffer.isBuffer(request.body)) return { fields: {}, images: [], unreadable: true };
  try {
    const form = await new Response(new Uint8Array(request.body), { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, unknown> = {};
    const images: Buffer[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') fields[name] = name === 'n' || name === 'partial_images' ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
      else if (name === 'image' || name === 'image[]') images.push(Buffer.from(await value.arrayBuffer()));
    }
    return { fields, images };
  } catch {
    return { fields: {}, images: [], unreadable: true };
  }
}

async function handleImages(
  context: SimulatorContext,
  provider: ImagesProvider,
  request: FastifyRequest,
  reply: FastifyReply,
  keep: (request: FastifyRequest, provider: ImagesProvider, bytes: Buffer, contentType: string) => string,
  edit: EditForm | undefined,
): Promise<void> {
  const { profile } = provider;
  const exchange = context.beginExchange(profile.provider, request, reply);
  const providerHeaders = profile.responseHeaders(undefined, false);
  const send = (error: SimulatorError) => sendJson(exchange, error.status, error.body, { ...providerHeaders, ...error.headers });
  if (!hasSimulatorCredentials(profile.credentials, request.headers)) return send(profile.authenticationError());
  if (edit) exchange.record.body = { ...edit.fields, images: edit.images.length };
  if (edit?.unreadable) return send(provider.invalid('Invalid multipart form data.', null, null));
  if (!edit && !exchange.body.ok) return send(profile.invalidJsonError());
  const body = (edit ? edit.fields : exchange.body.ok ? exchange.body.value : {}) as ImageRequest;
  if (typeof body !== 'object' || body === null) return send(provider.invalid('Invalid request body.', null, null));
  const preamble = await applySimulatorFault(context, exchange, body.model, { sendError: send, faultError: (status) => profile.faultError(status) });
  if (preamble.answered) return;

  // OpenAI's default model is dall-e-2, shut down: asked for, it is an unknown model.
  const modelId = typeof body.model === 'string' ? body.model : provider === OPENAI ? 'dall-e-2' : '';
  if (provider === XAI && body.model === undefined) return send(provider.invalid('Missing required argument: model'));
  const model = provider.models.find((candidate) => candidate.id === modelId);
  if (!model || (edit && model.family !== 'gpt-image')) return send(profile.unknownModelError(modelId));
  if (typeof body.prompt !== 'string' || body.prompt === '') return send(provider.invalid("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter'));
  if (body.prompt.length > model.maxPromptCharacters) {
    return send(provider.invalid(`Invalid 'prompt': string too long. Expected a string with maximum length ${model.maxPromptCharacters}, but got a string with length ${body.prompt.length} instead.`, 'prompt', 'string_above_max_length'));
  }
  const n = body.n ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) return send(provider.invalid(`Invalid 'n': integer out of range. Expected a value between 1 and 10, but got ${String(n)} instead.`, 'n', 'integer_out_of_range'));
  if (n > model.maxImages) return send(provider.invalid('You must provide n=1 for this model.', 'n', null));
  if (model.family === 'grok') {
    for (const field of ['size', 'quality', 'style'] as const) if (body[field] !== undefined) return send(provider.invalid(`Argument not supported: ${field}`));
  }
  if (model.family === 'gpt-image' && body.response_format !== undefined) return send(provider.invalid("Unknown parameter: 'response_format'.", 'response_format', 'unknown_parameter'));
  if (body.stream === true && model.family !== 'gpt-image') return send(provider.invalid(`Streaming is not supported for model '${model.id}'.`, 'stream', 'unsupported_value'));
  const partialImages = body.partial_images ?? 0;
  if (body.partial_images !== undefined && (typeof partialImages !== 'number' || !Number.isInteger(partialImages) || partialImages < 0 || partialImages > 3)) {
    return send(provider.invalid(`Invalid 'partial_images': integer out of range. Expected a value between 0 and 3, but got ${String(partialImages)} instead.`, 'partial_images', 'integer_out_of_range'));
  }
  const size = body.size ?? model.sizes[0];
  if (model.family !== 'grok' && (typeof size !== 'string' || !model.sizes.includes(size))) {
    return send(provider.invalid(`Invalid value: '${String(size)}'. Supported values are: ${listValues(model.sizes)}.`, 'size', 'invalid_value'));
  }
  const quality = body.quality ?? model.qualities[0];
  if (model.family !== 'grok' && (typeof quality !== 'string' || !model.qualities.includes(quality))) {
    return send(provider.invalid(`Invalid value: '${String(quality)}'. Supported values are: ${listValues(model.qualities)}.`, 'quality', 'invalid_value'));
  }
  const format = body.response_format ?? (model.family === 'gpt-image' ? 'b64_json' : 'url');
  if (format !== 'url' && format !== 'b64_json') return send(provider.invalid(`Invalid value: '${String(format)}'. Supported values are: 'url' and 'b64_json'.`, 'response_format', 'invalid_value'));
  if (body.output_format !== undefined && body.output_format !== 'png') return send(provider.invalid('The simulator writes png only.', 'output_format', 'unsupported_value'));
  if (edit && edit.images.length === 0) return send(provider.invalid("Missing required parameter: 'image'.", 'image', 'missing_required_parameter'));
  if (edit && edit.images.length > 16) return send(provider.invalid('Too many images: at most 16 may be given.', 'image', null));

  const actualSize = size === 'auto' ? '1024x1024' : (size as string | undefined);
  const actualQuality = quality === 'auto' ? 'medium' : (quality as string | undefined);
  const [width, height] = (actualSize ?? '1024x1024').split('x').map(Number) as [number, number];
  const contentType = model.family === 'grok' ? 'image/jpeg' : 'image/png';
  const bytes = model.family === 'grok' ? SIMULATED_JPEG_1024 : encodeSolidPng(width, height, colourOf(body.prompt));
  const revisedPrompt = model.family === 'gpt-image' ? undefined : `A detailed illustration of ${body.prompt}`;
  const data = Array.from({ length: n }, () => ({
    ...(format === 'url' ? { url: keep(request, provider, bytes, contentType) } : { b64_json: bytes.toString('base64') }),
    ...(model.family === 'grok' && { mime_type: contentType }),
    ...(revisedPrompt !== undefined && { revised_prompt: revisedPrompt }),
  }));
  const created = Math.floor(Date.now() / 1000);
  const headers = { ...providerHeaders, ...preamble.fault?.headers };
  if (model.family === 'grok') return sendJson(exchange, 200, { created, data, usage: { cost_in_usd_ticks: 200_000_000 * n } }, headers);
  if (model.family === 'dall-e') return sendJson(exchange, 200, { created, data }, headers);
  const textTokens = estimateTokens(body.prompt);
  const imageTokens = (edit?.images ?? []).reduce((total, image) => total + inputImageTokens(image), 0);
  const outputTokens = GPT_IMAGE_OUTPUT_TOKENS[actualQuality!]![actualSize!]! * n;
  if (body.stream === true) {
    // Each image's partial images, then the image itself with the request's usage (each partial image costs 100 output tokens more).
    const prefix = edit ? 'image_edit' : 'image_generation';
    const shape = { created_at: created, size: actualSize, quality: actualQuality, background: 'opaque', output_format: 'png' };
    const events: string[] = [];
    for (let index = 0; index < n; index += 1) {
      for (let partial = 0; partial < (partialImages as number); partial += 1) {
        events.push(`event: ${prefix}.partial_image\ndata: ${JSON.stringify({ type: `${prefix}.partial_image`, b64_json: bytes.toString('base64'), ...shape, partial_image_index: partial })}\n\n`);
      }
      const output = outputTokens / n + (partialImages as number) * 100;
      const input = index === 0 ? textTokens + imageTokens : 0;
      const usage = { input_tokens: input, input_tokens_details: { image_tokens: index === 0 ? imageTokens : 0, text_tokens: index === 0 ? textTokens : 0 }, output_tokens: output, total_tokens: input + output };
      events.push(`event: ${prefix}.completed\ndata: ${JSON.stringify({ type: `${prefix}.completed`, b64_json: bytes.toString('base64'), ...shape, usage })}\n\n`);
    }
    exchange.record.status = 200;
    exchange.record.streamed = true;
    exchange.response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8' });
    for (const [index, event] of events.entries()) {
      if (exchange.clientClosed.aborted) return;
      if (preamble.fault?.afterChunks !== undefined && index >= preamble.fault.afterChunks) {
        exchange.markBroken();
        exchange.response.destroy();
        return;
      }
      exchange.response.write(event);
    }
    exchange.response.end();
    return;
  }
  sendJson(
    exchange,
    200,
    {
      created,
      background: 'opaque',
      data,
      output_format: 'png',
      quality: actualQuality,
      size: actualSize,
      usage: {
        input_tokens: textTokens + imageTokens,
        input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
        output_tokens: outputTokens,
        total_tokens: textTokens + imageTokens + outputTokens,
        output_tokens_details: { image_tokens: outputTokens, text_tokens: 0 },
      },
    },
    headers,
  );
}

/**
 * An input image's tokens as OpenAI's vision models count them: scaled to fit 2048x2048, then its
 * short side to 768, 170 per 512-pixel tile plus 85 (a PNG's size from its header; other formats
 * as a 1024x1024 image).
 */
function inputImageTokens(image: Buffer): number {
  const isPng = image.length >= 24 && image.readUInt32BE(0) === 0x89504e47;
  if (!isPng) return DEFAULT_IMAGE_TOKENS;
  let width = image.readUInt32BE(16);
  let height = image.readUInt32BE(20);
  if (width === 0 || height === 0) return DEFAULT_IMAGE_TOKENS;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const shrink = Math.min(1, 768 / Math.min(width, height));
  width *= shrink;
  height *= shrink;
  return 85 + 170 * Math.ceil(width / 512) * Math.ceil(height / 512);
}

/** "'a', 'b', and 'c'", the way OpenAI lists allowed values. */
function listValues(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

function sendJson(exchange: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  exchange.record.status = status;
  exchange.response.writeHead(status, { ...headers, 'content-type': 'application/json' });
  exchange.response.end(JSON.stringify(body));
}
