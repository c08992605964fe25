import type { DeploymentSettings } from '../../config/load-config.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ChatUsage } from '../../core/chat-types.ts';
import { readChatUsage, type TokenUsage } from '../../core/usage.ts';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { readSseEventBatches } from '../../streaming/read-sse-events.ts';
import { applyParameterRules } from '../apply-parameter-rules.ts';
import { withPortableToolCallIds } from '../portable-tool-call-ids.ts';
import { mapUpstreamError, scrubSecrets } from '../map-upstream-error.ts';
import type { SurfaceId } from '../../core/surface-id.ts';
import type { ChatCall, ChatResult, EmbeddingCall, EmbeddingResult, ForwardRequest, ProviderAdapter, ProviderDescriptor } from '../provider-adapter.ts';
import { readEmbeddingVectors, readTokenCount } from '../read-embedding-vectors.ts';
import type { ImageCall, ImageResult } from '../image-call.ts';
import { encodeMultipartForm } from '../encode-multipart-form.ts';
import { readImagesAnswer } from './read-images-answer.ts';
import type { Adjustment } from '../../core/adjustment.ts';
import type { ChatStreamEvent } from '../../core/chat-types.ts';
import { readUpstreamText, type UpstreamClient, type UpstreamResponse } from '../upstream-client.ts';
import { mergeConsecutiveRoles } from './merge-consecutive-roles.ts';
import { ThinkTagSplitter } from './think-tag-splitter.ts';
import type { OpenAICompatibleProfile } from './openai-compatible-profile.ts';
import { readRetryAfter } from '../read-retry-after.ts';
import { isTransientErrorType } from '../is-transient-status.ts';

const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** How long a stream's body may go on after its [DONE] before it is cut off. */
const AFTER_DONE_MS = 1_000;

/** An images answer carries its images in base64: up to 10 of them, each a few MB at OpenAI's sizes. */
const MAX_IMAGES_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * The pass-through fast path: OpenAI chat in, OpenAI chat out, with only the provider's quirks
 * fixed on the way up. Stream chunks are relayed as the provider's own bytes.
 */
export class OpenAICompatibleAdapter implements ProviderAdapter {
  readonly descriptor: ProviderDescriptor;
  readonly nativeSurfaces: readonly SurfaceId[];

  constructor(
    private readonly profile: OpenAICompatibleProfile,
    private readonly settings: DeploymentSettings,
    private readonly client: UpstreamClient,
  ) {
    this.descriptor = profile.descriptor;
    this.nativeSurfaces = profile.nativeSurfaces;
  }

  forward(request: ForwardRequest): Promise<UpstreamResponse> {
    return this.client.withTimeouts(request.timeouts).send(this.descriptor.id, `${this.settings.baseUrl}${request.path}`, {
      method: request.method,
      headers: { ...request.headers, ...this.authentication(), 'user-agent': 'switchyard' },
      body: request.body,
      signal: request.signal,
    });
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    const { body, adjustments } = this.prepareRequest(call);
    const provider = this.descriptor.id;
    const url = this.profile.chatUrl ? this.profile.chatUrl(this.settings, body.model) : `${this.settings.baseUrl}${this.profile.chatPath}`;
    const response = await this.client.withTimeouts(call.model.timeouts).post(provider, url, {
      headers: {
        'content-type': 'application/json',
        accept: body.stream ? 'text/event-stream' : 'application/json',
        ...this.authentication(),
        'user-agent': 'switchyard',
      },
      body: JSON.stringify(body),
      signal: call.signal,
    });
    if (response.status >= 400) throw await this.readFailure(response, call.signal);

    if (!body.stream) {
      const text = await readUpstreamText(provider, response, call.signal);
      const parsed = parseJson<ChatCompletion>(text);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || !Array.isArray(parsed.value.choices)) {
        throw GATEWAY_ERRORS.upstreamStreamInterrupted(provider, 'the response is not a chat completion');
      }
      return { kind: 'completion', completion: this.normalizeCompletion(parsed.value), adjustments };
    }
    return { kind: 'stream', events: this.decodeStream(response, call.signal), adjustments };
  }

  /**
   * `POST {base}/embeddings` in OpenAI's format, which Fireworks and vLLM share. Vectors are asked
   * for as floats (every such server sends them; base64 is not everywhere): the gateway encodes
   * base64 itself for clients that want it.
   */
  async embed(call: EmbeddingCall): Promise<EmbeddingResult> {
    const provider = this.descriptor.id;
    const response = await this.client.withTimeouts(call.model.timeouts).post(provider, `${this.settings.baseUrl}/embeddings`, {
      headers: { 'content-type': 'application/json', accept: 'application/json', ...this.authentication(), 'user-agent': 'switchyard' },
      body: JSON.stringify({ model: call.model.upstreamId, input: call.inputs, encoding_format: 'float', ...(call.dimensions !== undefined && { dimensions: call.dimensions }) }),
      signal: call.signal,
    });
    if (response.status >= 400) throw await this.readFailure(response, call.signal);
    const parsed = parseJson<{ data?: unknown; usage?: { prompt_tokens?: unknown } }>(await readUpstreamText(provider, response, call.signal));
    const data = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && Array.isArray(parsed.value.data) ? (parsed.value.data as { index?: unknown; embedding?: unknown }[]) : undefined;
    if (!data) throw GATEWAY_ERRORS.upstreamInvalidAnswer(provider, 'the response is not an embedding list');
    // OpenAI lists them in input order and numbers them; follow the numbers when they are there.
    const ordered = data.every((item, position) => item?.index === position) ? data : [...data].sort((a, b) => Number(a?.index) - Number(b?.index));
    return { vectors: readEmbeddingVectors(provider, ordered.map((item) => item?.embedding), call.inputs.length), promptTokens: readTokenCount(parsed.ok ? parsed.value.usage?.prompt_tokens : undefined) };
  }

  /**
   * `POST {base}/images/generations` (JSON) or `{base}/images/edits` (multipart, the files as
   * uploaded, other fields as text) in OpenAI's format, which xAI shares for generations.
   * @see https://platform.openai.com/docs/api-reference/images
   */
  async generateImages(call: ImageCall): Promise<ImageResult> {
    const provider = this.descriptor.id;
    const headers = { accept: 'application/json', ...this.authentication(), 'user-agent': 'switchyard' };
    const fields = { ...call.fields, model: call.model.upstreamId };
    const client = this.client.withTimeouts(call.model.timeouts);
    let response: UpstreamResponse;
    if (call.operation === 'generate') {
      response = await client.send(provider, `${this.settings.baseUrl}/images/generations`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(fields), signal: call.signal });
    } else {
      const text = Object.entries(fields).map(([name, value]) => ({ name, value: typeof value === 'string' ? value : JSON.stringify(value) }));
      const form = encodeMultipartForm(text, call.files ?? []);
      response = await client.send(provider, `${this.settings.baseUrl}/images/edits`, { method: 'POST', headers: { ...headers, 'content-type': form.contentType }, body: form.body, signal: call.signal });
    }
    if (response.status >= 400) throw await this.readFailure(response, call.signal);
    return readImagesAnswer(provider, await readUpstreamText(provider, { ...response, maxBytes: Math.max(response.maxBytes, MAX_IMAGES_ANSWER_BYTES) }, call.signal));
  }

  /** The provider's authentication headers; none for a keyless server (a local vLLM or Ollama). */
  private authentication(): Record<string, string> {
    const key = this.settings.apiKey;
    if (!key) return {};
    return this.profile.authenticate ? this.profile.authenticate(key) : { authorization: `Bearer ${key}` };
  }

  scrub(text: string): string {
    return scrubSecrets(text, [this.settings.apiKey]);
  }

  readUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined {
    return readChatUsage(usage);
  }

  /** Usage in OpenAI's terms: reasoning tokens inside completion_tokens. Returns whether it changed anything. */
  private normalizeUsage(usage: ChatUsage | null | undefined): boolean {
    const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
    if (this.profile.reasoningTokensInCompletion || !usage || typeof reasoning !== 'number' || reasoning <= 0) return false;
    usage.completion_tokens += reasoning;
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    return true;
  }

  private normalizeCompletion(completion: ChatCompletion): ChatCompletion {
    this.normalizeUsage(completion.usage);
    if (this.profile.reasoningNamedReasoning) {
      for (const choice of completion.choices) if (choice.message) renameReasoning(choice.message);
    }
    if (this.profile.reasoningInThinkTags) {
      for (const choice of completion.choices) {
        if (typeof choice.message?.content !== 'string') continue;
        const splitter = new ThinkTagSplitter();
        const head = splitter.push(choice.message.content);
        const tail = splitter.flush();
        const reasoning = head.reasoning + tail.reasoning;
        if (reasoning) {
          choice.message.content = head.content + tail.content;
          choice.message.reasoning_content = reasoning;
        }
      }
    }
    return completion;
  }

  /** The upstream body: the client's request with the model's and the provider's quirks fixed. */
  private prepareRequest(call: ChatCall): { body: ChatRequest; adjustments: Adjustment[] } {
    const body: ChatRequest = { ...call.request, model: call.model.upstreamId };
    const adjustments = applyParameterRules(body, call.model);

    if (!this.profile.acceptsDeveloperRole && body.messages.some((message) => message.role === 'developer')) {
      body.messages = body.messages.map((message) => (message.role === 'developer' ? { ...message, role: 'system' } : message));
      adjustments.push({ parameter: 'messages', action: 'rewritten', reason: `developer role sent as system: ${this.descriptor.displayName} has no developer role` });
    }
    if (this.profile.toolCallIds) {
      const portable = withPortableToolCallIds(body.messages, this.profile.toolCallIds);
      if (portable !== body.messages) {
        body.messages = portable;
        adjustments.push({ parameter: 'messages', action: 'rewritten', reason: `tool call ids ${this.descriptor.displayName} does not accept (another provider's) sent as hashes` });
      }
    }
    if (this.profile.requiresAlternatingRoles) {
      const merged = mergeConsecutiveRoles(body.messages);
      if (merged !== body.messages) {
        body.messages = merged;
        adjustments.push({ parameter: 'messages', action: 'rewritten', reason: `consecutive messages of one role merged: ${this.descriptor.displayName} requires alternating turns` });
      }
    }
    // The gateway learns every stream's usage for its own records, whatever the client asked.
    if (body.stream && this.profile.streamUsageOption) {
      body.stream_options = { ...(body.stream_options ?? {}), include_usage: true };
    }
    return { body, adjustments };
  }

  private async readFailure(response: UpstreamResponse, signal: AbortSignal): Promise<unknown> {
    const text = await readUpstreamText(this.descriptor.id, response, signal, MAX_ERROR_BODY_BYTES).catch(() => '');
    const parsed = parseJson(text);
    const { message, param } = parsed.ok ? this.profile.readError(parsed.value) : { message: undefined, param: null };
    return mapUpstreamError({
      provider: this.descriptor.id,
      status: response.status,
      message: message ?? (text && !text.trimStart().startsWith('<') ? text.slice(0, 500) : undefined),
      param,
      rawBody: text,
      retryAfter: readRetryAfter(response.headers, response.status),
      secrets: [this.settings.apiKey],
    });
  }

  private async *decodeStream(response: UpstreamResponse, signal: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const provider = this.descriptor.id;
    let finished = false;
    const splitters = new Map<number, ThinkTagSplitter>();
    const plainEvents = this.profile.reasoningNamedReasoning !== true && !this.profile.reasoningInThinkTags;
    // After [DONE] the body is read to its end, which follows at once: leaving the loop early would
    // make Node destroy the body with an AbortError (its stack captured on every stream); a provider
    // that sends more and never ends is cut off after a moment.
    let doneTimer: NodeJS.Timeout | undefined;
    try {
      for await (const batch of readSseEventBatches(response.body, { maxEventBytes: response.maxBytes })) {
        // The events one read of the body brought; after [DONE] the rest of the body is read and left unread.
        for (const event of batch) {
          if (doneTimer) break;
          if (event.data === '[DONE]') {
            doneTimer = setTimeout(() => response.body.destroy(), AFTER_DONE_MS);
            continue;
          }
          // A plain delta from a provider with no quirk to fix goes through as its bytes, parsed only if a reader asks.
          const plainText = plainEvents ? readPlainText(event.data) : undefined;
          if (plainText !== undefined) {
            yield new PlainTextEvent(event.data, plainText, provider);
            continue;
          }
          const parsed = parseJson<ChatCompletionChunk & { error?: unknown }>(event.data);
          if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) {
            throw GATEWAY_ERRORS.upstreamStreamInterrupted(provider, 'a stream chunk is not valid JSON');
          }
          if (parsed.value.error !== undefined) {
            const { message, param } = this.profile.readError(parsed.value);
            // A refusal of the request sent as an event is that refusal (never retried, `fallbackOn` can read it); anything else, the provider failing.
            if (refusesRequest(parsed.value)) throw mapUpstreamError({ provider, status: 400, message, param, rawBody: event.data, secrets: [this.settings.apiKey] });
            throw GATEWAY_ERRORS.upstreamStreamInterrupted(provider, scrubSecrets(message ?? 'error event', [this.settings.apiKey]));
          }
          const chunk = parsed.value;
          if (Array.isArray(chunk.choices) && chunk.choices.some((choice) => choice?.finish_reason)) finished = true;
          // The provider's bytes go through untouched unless a quirk had to be fixed in this chunk.
          const renamed = this.profile.reasoningNamedReasoning === true && (chunk.choices ?? []).map((choice) => (choice?.delta ? renameReasoning(choice.delta) : false)).includes(true);
          const changed = this.normalizeUsage(chunk.usage) || renamed || (this.profile.reasoningInThinkTags && splitThinkTags(chunk, splitters));
          yield changed ? { chunk } : { chunk, raw: event.data };
        }
      }
    } catch (error) {
      if (doneTimer && !signal.aborted) return; // the answer was whole at [DONE]: what broke after it does not matter
      if (error instanceof GatewayError || signal.aborted) throw error;
      throw GATEWAY_ERRORS.upstreamStreamInterrupted(provider, String((error as { code?: string }).code ?? (error as Error).message));
    } finally {
      clearTimeout(doneTimer);
      if (!response.body.destroyed) response.body.destroy();
    }
    if (doneTimer) return;
    // Some providers end without [DONE]; an answer that reached its finish_reason is complete all the same.
    if (!finished) throw GATEWAY_ERRORS.upstreamStreamInterrupted(provider, 'the stream closed before the answer finished');
  }
}

/**
 * What makes a stream event worth parsing: usage (other than null), an error, a finish reason
 * (other than null), a tool call, reasoning, a refusal (other than null). A false alarm only costs
 * a parse; the pattern never misses one of them.
 */
const READ_WORTHY = /"usage"\s*:(?!\s*null\b)|"error"|"finish_reason"\s*:(?!\s*null\b)|"tool_calls"|"reasoning|"refusal"\s*:(?!\s*null\b)/;
const CONTENT_KEY = '"content":';

/**
 * The text of a plain delta, read from its bytes without parsing it: an object with nothing
 * worth parsing (READ_WORTHY) and at most one `content`, a string or null. Undefined for any other
 * event, which is parsed.
 */
export function readPlainText(data: string): string | undefined {
  if (data.charCodeAt(0) !== 0x7b /* { */ || data.charCodeAt(data.length - 1) !== 0x7d /* } */ || READ_WORTHY.test(data)) return undefined;
  const key = data.indexOf(CONTENT_KEY);
  if (key === -1) return data.includes('"content"') ? undefined : '';
  if (data.indexOf('"content"', key + CONTENT_KEY.length) !== -1) return undefined;
  let at = key + CONTENT_KEY.length;
  while (data.charCodeAt(at) === 0x20) at += 1;
  if (data.startsWith('null', at)) return '';
  if (data.charCodeAt(at) !== 0x22 /* " */) return undefined;
  // The closing quote: the first one not escaped (preceded by an even number of backslashes).
  for (let end = data.indexOf('"', at + 1); end !== -1; end = data.indexOf('"', end + 1)) {
    let backslashes = 0;
    while (data.charCodeAt(end - 1 - backslashes) === 0x5c /* \ */) backslashes += 1;
    if (backslashes % 2 === 1) continue;
    const literal = data.slice(at, end + 1);
    if (!literal.includes('\\')) return literal.slice(1, -1);
    const parsed = parseJson<unknown>(literal);
    return parsed.ok && typeof parsed.value === 'string' ? parsed.value : undefined;
  }
  return undefined;
}

/** A plain delta's event: its bytes and text, its chunk parsed when first read (a translating encoder). */
class PlainTextEvent implements ChatStreamEvent {
  private parsed: ChatCompletionChunk | undefined;

  constructor(
    readonly raw: string,
    readonly plainText: string,
    private readonly provider: string,
  ) {}

  get chunk(): ChatCompletionChunk {
    if (this.parsed) return this.parsed;
    const parsed = parseJson<ChatCompletionChunk>(this.raw);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) throw GATEWAY_ERRORS.upstreamStreamInterrupted(this.provider, 'a stream chunk is not valid JSON');
    this.parsed = parsed.value;
    return this.parsed;
  }
}

/** Whether a stream's error event names a problem of the request (its type or code), not of the provider. */
function refusesRequest(body: { error?: unknown; code?: unknown }): boolean {
  const error = typeof body.error === 'object' && body.error !== null ? (body.error as { type?: unknown; code?: unknown }) : {};
  const kind = `${String(error.type ?? '')} ${String(error.code ?? body.code ?? '')}`;
  return !isTransientErrorType(kind) && REQUEST_ERROR_KIND.test(kind);
}

const REQUEST_ERROR_KIND = /invalid|context_length|content_policy|content_filter|bad_?request|not_?found|unsupported/i;

/** A message's or delta's `reasoning` as `reasoning_content` (kept when both are sent); true when it changed. */
function renameReasoning(message: { reasoning_content?: unknown; [field: string]: unknown }): boolean {
  if (typeof message.reasoning !== 'string') return false;
  if (typeof message.reasoning_content !== 'string') message.reasoning_content = message.reasoning;
  delete message.reasoning;
  return true;
}

/** Moves `<think>` content of each choice's delta into `reasoning_content`; true when the chunk changed. */
function splitThinkTags(chunk: ChatCompletionChunk, splitters: Map<number, ThinkTagSplitter>): boolean {
  let changed = false;
  for (const choice of chunk.choices ?? []) {
    const delta = choice?.delta;
    if (!delta || (typeof delta.content !== 'string' && !choice.finish_reason)) continue;
    let splitter = splitters.get(choice.index);
    if (!splitter) splitters.set(choice.index, (splitter = new ThinkTagSplitter()));
    const split = splitter.push(typeof delta.content === 'string' ? delta.content : '');
    const rest = choice.finish_reason ? splitter.flush() : { content: '', reasoning: '' };
    const content = split.content + rest.content;
    const reasoning = split.reasoning + rest.reasoning;
    if (content === (delta.content ?? '') && !reasoning) continue;
    changed = true;
    delta.content = content;
    if (reasoning) delta.reasoning_content = reasoning;
  }
  return changed;
}
