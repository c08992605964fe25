import type { DeploymentSettings } from '../../config/load-config.ts';
import type { ChatUsage } from '../../core/chat-types.ts';
import { GATEWAY_ERRORS, GatewayError } from '../../core/gateway-error.ts';
import { parseJson } from '../../core/parse-json.ts';
import { readChatUsage, type TokenUsage } from '../../core/usage.ts';
import type { SurfaceId } from '../../core/surface-id.ts';
import { scrubSecrets } from '../map-upstream-error.ts';
import { readSseEvents } from '../../streaming/read-sse-events.ts';
import type { ChatCall, ChatResult, ForwardRequest, ProviderAdapter, ProviderDescriptor } from '../provider-adapter.ts';
import type { ChatStreamEvent } from '../../core/chat-types.ts';
import { readUpstreamText, type UpstreamClient, type UpstreamResponse } from '../upstream-client.ts';
import { ANTHROPIC_VERSION, type AnthropicMessage } from './anthropic-api.ts';
import { anthropicDescriptor } from './anthropic-descriptor.ts';
import { convertAnthropicResponse } from './convert-anthropic-response.ts';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.ts';
import { decodeAnthropicStream } from './decode-anthropic-stream.ts';
import { mapAnthropicError } from './map-anthropic-error.ts';
import { readRetryAfter } from '../read-retry-after.ts';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Client headers a pass-through request keeps; authentication is always the gateway's own key. */
const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta', 'content-type', 'accept'];

/**
 * Claude through Anthropic's Messages API. OpenAI chat requests are translated both ways
 * (convert-to-anthropic-request.ts, convert-anthropic-response.ts, decode-anthropic-stream.ts);
 * Anthropic Messages requests are relayed as they are with `forward`.
 * @see https://docs.anthropic.com/en/api/messages
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly descriptor: ProviderDescriptor = anthropicDescriptor;
  readonly nativeSurfaces: readonly SurfaceId[] = ['anthropic-messages'];
  /** "Prefill Claude's response": a final assistant message is continued. @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-engineering/prefill-claudes-response */
  readonly continuesPrefill = true;

  constructor(
    private readonly settings: DeploymentSettings,
    private readonly client: UpstreamClient,
  ) {}

  /** Relays a Messages API request with the gateway's key, the client's `anthropic-version` (2023-06-01 by default) and `anthropic-beta`. */
  forward(request: ForwardRequest): Promise<UpstreamResponse> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (FORWARDED_HEADERS.includes(name.toLowerCase()) && value) headers[name.toLowerCase()] = value;
    }
    headers['anthropic-version'] ??= ANTHROPIC_VERSION;
    if (request.body !== undefined) headers['content-type'] ??= 'application/json';
    headers['x-api-key'] = this.settings.apiKey ?? '';
    headers['user-agent'] = 'switchyard';
    return this.client.withTimeouts(request.timeouts).send(this.descriptor.id, `${this.settings.baseUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.body,
      signal: request.signal,
    });
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    const provider = this.descriptor.id;
    const { body, adjustments } = convertToAnthropicRequest(call.request, call.model);
    const response = await this.client.withTimeouts(call.model.timeouts).post(provider, `${this.settings.baseUrl}/v1/messages`, {
      headers: {
        'content-type': 'application/json',
        accept: body.stream ? 'text/event-stream' : 'application/json',
        'x-api-key': this.settings.apiKey ?? '',
        'anthropic-version': ANTHROPIC_VERSION,
        'user-agent': 'switchyard',
      },
      body: JSON.stringify(body),
      signal: call.signal,
    });
    if (response.status >= 400) throw await this.readFailure(response, call.signal);

    const created = Math.floor(Date.now() / 1000);
    if (!body.stream) {
      const text = await readUpstreamText(provider, response, call.signal);
      const parsed = parseJson<AnthropicMessage>(text);
      if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || parsed.value.type !== 'message' || !Array.isArray(parsed.value.content)) {
        throw GATEWAY_ERRORS.upstreamStreamInterrupted(provider, 'the response is not a Messages API message');
      }
      return { kind: 'completion', completion: convertAnthropicResponse(parsed.value, { created }), adjustments };
    }
    return { kind: 'stream', events: this.decodeStream(response, created, call.signal), adjustments };
  }

  /** The adapter's usage is already OpenAI-shaped, cache reads and writes inside prompt_tokens, thinking inside completion_tokens. */
  scrub(text: string): string {
    return scrubSecrets(text, [this.settings.apiKey]);
  }

  readUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined {
    return readChatUsage(usage);
  }

  private async readFailure(response: UpstreamResponse, signal: AbortSignal): Promise<unknown> {
    const text = await readUpstreamText(this.descriptor.id, response, signal, MAX_ERROR_BODY_BYTES).catch(() => '');
    return mapAnthropicError({
      provider: this.descriptor.id,
      status: response.status,
      rawBody: text,
      retryAfter: readRetryAfter(response.headers, response.status),
      secrets: [this.settings.apiKey],
    });
  }

  private async *decodeStream(response: UpstreamResponse, created: number, signal: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const provider = this.descriptor.id;
    try {
      yield* decodeAnthropicStream(readSseEvents(response.body, { maxEventBytes: response.maxBytes }), { provider, created, secrets: [this.settings.apiKey] });
    } catch (error) {
      if (error instanceof GatewayError || signal.aborted) throw error;
      throw GATEWAY_ERRORS.upstreamStreamInterrupted(provider, String((error as { code?: string }).code ?? (error as Error).message));
    } finally {
      if (!response.body.destroyed) response.body.destroy();
    }
  }
}
