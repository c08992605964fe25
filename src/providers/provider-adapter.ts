import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ChatUsage } from '../core/chat-types.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { Surface } from '../store/store.ts';
import type { UpstreamResponse } from './upstream-client.ts';

/** Who a provider is and where its settings come from. Env names mean what they mean in the provider's own SDK. */
export interface ProviderDescriptor {
  id: string;
  displayName: string;
  /** Environment variables holding the API key, first match wins. */
  apiKeyEnv: string[];
  /** Environment variables holding the base URL, first match wins. */
  baseUrlEnv: string[];
  defaultBaseUrl: string;
}

/** A parameter the gateway changed on the way upstream. Reported to the client, never applied silently. */
export interface Adjustment {
  parameter: string;
  action: 'dropped' | 'renamed' | 'mapped' | 'rewritten';
  reason: string;
}

/** A request on a provider's own API, as the client sent it (pass-through surfaces). */
export interface ForwardRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path under the provider's base URL: `/v1/messages`, `/responses/resp_123/cancel`, … */
  path: string;
  body?: string;
  /** The client's headers the provider must see (`anthropic-version`, `anthropic-beta`); authentication is the adapter's. */
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** One chat call as an adapter receives it: tenant-free, money-free. */
export interface ChatCall {
  /** The client's request in the hub shape; `model` is still the client's id. */
  request: ChatRequest;
  model: CatalogModel;
  signal: AbortSignal;
  requestId: string;
}

/** One chunk of a streamed answer. */
export interface ChatStreamEvent {
  chunk: ChatCompletionChunk;
  /**
   * The chunk's JSON exactly as the provider sent it. Present on the pass-through path, so the
   * relay forwards the provider's bytes unless it must change the chunk.
   */
  raw?: string;
}

export type ChatResult =
  | { kind: 'completion'; completion: ChatCompletion; adjustments: Adjustment[] }
  | { kind: 'stream'; events: AsyncIterator<ChatStreamEvent>; adjustments: Adjustment[] };

/**
 * The contract between the gateway and one provider. An adapter turns a hub-shaped chat request
 * into the provider's wire format and the answer back, stream included; it knows nothing of
 * tenants, keys or credits. Failures are thrown as GatewayError (retryable when sending the same
 * request again may succeed). A streamed answer resolves once the provider accepted the request;
 * errors after that are thrown from the event iterator.
 */
export interface ProviderAdapter {
  readonly descriptor: ProviderDescriptor;
  /**
   * The client surfaces this provider speaks natively. A request on one of them is relayed with
   * `forward` (byte for byte, quirks and all); any other surface goes through `chat` and translation.
   */
  readonly nativeSurfaces: readonly Surface[];
  /** Relays a native-surface request and answers the provider's own response, errors included, body unread. */
  forward?(request: ForwardRequest): Promise<UpstreamResponse>;
  chat(call: ChatCall): Promise<ChatResult>;
  /** Reads the usage of an answer (or chunk) this adapter returned, in the gateway's terms: output tokens include reasoning tokens. */
  readUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined;
}
