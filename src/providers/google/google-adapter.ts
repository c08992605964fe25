import { Readable } from 'node:stream';
import type { DeploymentSettings } from '../../config/load-config.ts';
import type { ChatUsage } from '../../core/chat-types.ts';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { readChatUsage, type TokenUsage } from '../../core/usage.ts';
import type { SurfaceId } from '../../core/surface-id.ts';
import { scrubSecrets } from '../map-upstream-error.ts';
import { readSseEvents } from '../../streaming/read-sse-events.ts';
import { mapUpstreamError } from '../map-upstream-error.ts';
import type { ChatCall, ChatResult, EmbeddingCall, EmbeddingResult, ForwardRequest, ProviderAdapter, ProviderDescriptor } from '../provider-adapter.ts';
import { readEmbeddingVectors } from '../read-embedding-vectors.ts';
import type { ImageCall, ImageResult } from '../image-call.ts';
import { readGeminiImage } from './read-gemini-image.ts';
import type { ChatStreamEvent } from '../../core/chat-types.ts';
import { readUpstreamText, type UpstreamClient, type UpstreamResponse } from '../upstream-client.ts';
import { convertGeminiResponse } from './convert-gemini-response.ts';
import { convertToGeminiRequest } from './convert-to-gemini-request.ts';
import { decodeGeminiStream } from './decode-gemini-stream.ts';
import { fetchRemoteImage } from './fetch-remote-image.ts';
import type { GeminiGenerateContentResponse } from './gemini-api.ts';
import { googleDescriptor } from './google-descriptor.ts';
import { readGeminiError } from './read-gemini-error.ts';
import { readRetryAfter } from '../read-retry-after.ts';

export interface GoogleAdapterOptions {
  /** Let clients' image URLs reach loopback, private and link-local addresses (default: refused). */
  allowPrivateImageUrls?: boolean;
  /** Largest image the gateway downloads for a client (default 10 MiB). */
  maxImageBytes?: number;
  /** Time allowed for one image download (default 10 s). */
  imageTimeoutMs?: number;
  /** Image URLs one request may make the gateway download (default 20). */
  maxImagesPerRequest?: number;
  /** Bytes one request may make the gateway download, all its images together (default 50 MiB). */
  maxImageBytesPerRequest?: number;
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** The images request fields a Gemini image call carries (`size` 1024x1024 is its 1:1, `user` is OpenAI's tag for abuse reports). */
const GEMINI_IMAGE_FIELDS = new Set(['prompt', 'n', 'size', 'response_format', 'user']);

/**
 * Google's Gemini API (Gemini and Gemma models) behind the OpenAI chat hub: requests translated to
 * generateContent, answers and `alt=sse` streams translated back. Requests on the gateway's Gemini
 * API surface are relayed as they are with `forward`.
 * @see https://ai.google.dev/api/generate-content
 */
export class GoogleAdapter implements ProviderAdapter {
  readonly descriptor: ProviderDescriptor = googleDescriptor;
  readonly nativeSurfaces: readonly SurfaceId[] = ['gemini-generate-content'];

  constructor(
    private readonly settings: DeploymentSettings,
    private readonly client: UpstreamClient,
    private readonly options: GoogleAdapterOptions = {},
  ) {}

  /**
   * Relays a Gemini API request with the gateway's key. Google's failures are made readable as
   * every provider's: a key it refuses (a 400 with `API_KEY_INVALID`) answers 401, so it is the
   * gateway's credentials error and never the client's; a 429's `RetryInfo` wait becomes Retry-After.
   */
  async forward(request: ForwardRequest): Promise<UpstreamResponse> {
    const response = await this.client.withTimeouts(request.timeouts).send(this.descriptor.id, `${this.settings.baseUrl}${request.path}`, {
      method: request.method,
      headers: {
        ...(request.body !== undefined && { 'content-type': 'application/json' }),
        // The key goes in a header, never in the URL (`?key=`), so it stays out of logs.
        'x-goog-api-key': this.settings.apiKey ?? '',
        'user-agent': 'switchyard',
      },
      body: request.body,
      signal: request.signal,
    });
    if (response.status < 400) return response;
    const text = await readUpstreamText(this.descriptor.id, response, request.signal, MAX_ERROR_BODY_BYTES).catch(() => '');
    const parsed = parseJson(text);
    const reading = parsed.ok ? readGeminiError(parsed.value) : {};
    const rejectedKey = reading.reason === 'API_KEY_INVALID' || reading.reason === 'API_KEY_SERVICE_BLOCKED';
    const retryAfter = readRetryAfter(response.headers, response.status) ?? reading.retryAfterSeconds;
    const body = Readable.from([Buffer.from(text)]);
    return {
      ...response,
      status: rejectedKey ? 401 : response.status,
      headers: { ...response.headers, 'content-length': undefined, ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
      body: Object.assign(body, { dump: async () => void body.destroy() }) as unknown as UpstreamResponse['body'],
    };
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    // A few kilobytes of request must not make the gateway download hundreds of megabytes: images and their bytes are counted per request.
    const maxImages = this.options.maxImagesPerRequest ?? 20;
    const maxRequestBytes = this.options.maxImageBytesPerRequest ?? 50 * 1024 * 1024;
    let images = 0;
    let fetched = 0;
    const { body, stream, adjustments } = await convertToGeminiRequest(call, {
      fetchImage: async (url) => {
        images += 1;
        if (images > maxImages) throw GATEWAY_ERRORS.tooManyImageUrls(maxImages);
        const maxBytes = this.options.maxImageBytes ?? 10 * 1024 * 1024;
        const image = await fetchRemoteImage(url, { allowPrivateAddresses: this.options.allowPrivateImageUrls ?? false, maxBytes, timeoutMs: this.options.imageTimeoutMs ?? 10_000, signal: call.signal });
        // At most one image past the budget is ever downloaded.
        fetched += image.data.length;
        if (fetched > maxRequestBytes) throw GATEWAY_ERRORS.imageBytesExhausted(maxRequestBytes);
        return image;
      },
    });
    const model = encodeURIComponent(call.model.upstreamId.replace(/^models\//, ''));
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    const response = await this.client.withTimeouts(call.model.timeouts).post('google', `${this.settings.baseUrl}/v1beta/models/${model}:${method}`, {
      headers: {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
        // The key goes in a header, never in the URL (`?key=`), so it stays out of logs.
        'x-goog-api-key': this.settings.apiKey ?? '',
        'user-agent': 'switchyard',
      },
      body: JSON.stringify(body),
      signal: call.signal,
    });
    if (response.status >= 400) throw await this.readFailure(response, call.signal);

    const context = { requestId: call.requestId, upstreamId: call.model.upstreamId, created: Math.floor(Date.now() / 1000) };
    if (!stream) {
      const parsed = parseJson<GeminiGenerateContentResponse>(await readUpstreamText(this.descriptor.id, response, call.signal));
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
        throw GATEWAY_ERRORS.upstreamStreamInterrupted('google', 'the response is not a GenerateContentResponse');
      }
      return { kind: 'completion', completion: convertGeminiResponse(parsed.value, context), adjustments };
    }
    return { kind: 'stream', events: this.relayStream(response, call.signal, context), adjustments };
  }

  /**
   * `batchEmbedContents`, one request per input (the Gemini API's own way to embed several texts at
   * once; `embedContent` is the same for one). It reports no token count: the gateway estimates it.
   * Token ids are an OpenAI notion the Gemini API has no way to take.
   * @see https://ai.google.dev/api/embeddings
   */
  async embed(call: EmbeddingCall): Promise<EmbeddingResult> {
    if (call.inputs.some((input) => typeof input !== 'string')) throw GATEWAY_ERRORS.unsupportedCapability(call.model.id, 'token ids as input (send text)', 'input');
    const model = `models/${call.model.upstreamId.replace(/^models\//, '')}`;
    const requests = call.inputs.map((text) => ({
      model,
      content: { parts: [{ text }] },
      ...(call.taskType !== undefined && { taskType: call.taskType }),
      ...(call.dimensions !== undefined && { outputDimensionality: call.dimensions }),
    }));
    const response = await this.client.withTimeouts(call.model.timeouts).post('google', `${this.settings.baseUrl}/v1beta/${encodeURI(model)}:batchEmbedContents`, {
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-goog-api-key': this.settings.apiKey ?? '', 'user-agent': 'switchyard' },
      body: JSON.stringify({ requests }),
      signal: call.signal,
    });
    if (response.status >= 400) throw await this.readFailure(response, call.signal);
    const parsed = parseJson<{ embeddings?: { values?: unknown }[] }>(await readUpstreamText('google', response, call.signal));
    const embeddings = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && Array.isArray(parsed.value.embeddings) ? parsed.value.embeddings : undefined;
    if (!embeddings) throw GATEWAY_ERRORS.upstreamInvalidAnswer('google', 'the response is not a BatchEmbedContentsResponse');
    return { vectors: readEmbeddingVectors('google', embeddings.map((embedding) => embedding?.values), call.inputs.length) };
  }

  /**
   * An image model's `generateContent` asked for an image only (`responseModalities: ["IMAGE"]`,
   * aspect ratio 1:1: 1024x1024), once per image wanted — the API makes one candidate per call —
   * its usage summed. Edits are not served (a Gemini edit is a chat turn with the image in it).
   * @see https://ai.google.dev/gemini-api/docs/image-generation
   */
  async generateImages(call: ImageCall): Promise<ImageResult> {
    if (call.operation !== 'generate') throw GATEWAY_ERRORS.unsupportedCapability(call.model.id, 'image edits', 'model');
    // What OpenAI's request may say that the Gemini call has no way to: refused, never dropped.
    const untranslated = Object.keys(call.fields).find((field) => !GEMINI_IMAGE_FIELDS.has(field));
    if (untranslated) throw GATEWAY_ERRORS.unsupportedCapability(call.model.id, `'${untranslated}' on images`, untranslated);
    const model = `models/${call.model.upstreamId.replace(/^models\//, '')}`;
    const prompt = String(call.fields.prompt ?? '');
    const count = typeof call.fields.n === 'number' ? call.fields.n : 1;
    const images: ImageResult['images'] = [];
    let promptTokens = 0;
    let outputTokens = 0;
    for (let index = 0; index < count; index += 1) {
      const response = await this.client.withTimeouts(call.model.timeouts).post('google', `${this.settings.baseUrl}/v1beta/${encodeURI(model)}:generateContent`, {
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-goog-api-key': this.settings.apiKey ?? '', 'user-agent': 'switchyard' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '1:1' } } }),
        signal: call.signal,
      });
      if (response.status >= 400) throw await this.readFailure(response, call.signal);
      const image = readGeminiImage(await readUpstreamText('google', { ...response, maxBytes: Math.max(response.maxBytes, 32 * 1024 * 1024) }, call.signal));
      images.push({ b64_json: image.data });
      promptTokens += image.promptTokens;
      outputTokens += image.outputTokens;
    }
    return {
      created: Math.floor(Date.now() / 1000),
      images,
      usage: { input_tokens: promptTokens, input_tokens_details: { image_tokens: 0, text_tokens: promptTokens }, output_tokens: outputTokens, total_tokens: promptTokens + outputTokens, output_tokens_details: { image_tokens: outputTokens, text_tokens: 0 } },
      details: { output_format: 'png', size: '1024x1024' },
    };
  }

  /** Completion tokens already include thoughts (convert-gemini-usage.ts), as the gateway counts them. */
  scrub(text: string): string {
    return scrubSecrets(text, [this.settings.apiKey]);
  }

  readUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined {
    return readChatUsage(usage);
  }

  private async *relayStream(response: UpstreamResponse, signal: AbortSignal, context: { requestId: string; upstreamId: string; created: number }): AsyncGenerator<ChatStreamEvent> {
    try {
      yield* decodeGeminiStream(readSseEvents(response.body, { maxEventBytes: response.maxBytes }), { ...context, secrets: [this.settings.apiKey] });
    } catch (error) {
      if (error instanceof GatewayError || signal.aborted) throw error;
      throw GATEWAY_ERRORS.upstreamStreamInterrupted('google', String((error as { code?: string }).code ?? (error as Error).message));
    } finally {
      if (!response.body.destroyed) {
        // A body destroyed before its end emits an abort error that nothing waits for any more.
        response.body.on('error', () => {});
        response.body.destroy();
      }
    }
  }

  /**
   * Google's error body, mapped: a bad key is a 400 INVALID_ARGUMENT with reason API_KEY_INVALID (not
   * a 401), so the reason decides; a 429's wait comes from RetryInfo in the body.
   */
  private async readFailure(response: UpstreamResponse, signal: AbortSignal): Promise<GatewayError> {
    const text = await readUpstreamText(this.descriptor.id, response, signal, MAX_ERROR_BODY_BYTES).catch(() => '');
    const parsed = parseJson(text);
    const reading = parsed.ok ? readGeminiError(parsed.value) : {};
    if (reading.reason === 'API_KEY_INVALID' || reading.reason === 'API_KEY_SERVICE_BLOCKED') return GATEWAY_ERRORS.upstreamCredentialsRejected('google', response.status);
    return mapUpstreamError({
      provider: 'google',
      status: response.status,
      message: reading.message ?? (text && !text.trimStart().startsWith('<') ? text.slice(0, 500) : undefined),
      rawBody: text,
      retryAfter: readRetryAfter(response.headers, response.status) ?? reading.retryAfterSeconds,
      secrets: [this.settings.apiKey],
    });
  }
}
