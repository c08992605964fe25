import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { DeploymentTimeouts, ProviderSettingsSource } from '../config/load-config.ts';
import type { Adjustment } from '../core/adjustment.ts';
import type { ChatCompletion, ChatRequest, ChatStreamEvent, ChatUsage } from '../core/chat-types.ts';
import type { SurfaceId } from '../core/surface-id.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { ImageCall, ImageResult } from './image-call.ts';
import type { UpstreamResponse } from './upstream-client.ts';

/** Who a provider is and where its settings come from. */
export interface ProviderDescriptor extends ProviderSettingsSource {
  displayName: string;
}

/** A request on a provider's own API, as the client sent it (pass-through surfaces). */
export interface ForwardRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path under the provider's base URL: `/v1/messages`, `/responses/resp_123/cancel`, … */
  path: string;
  /** JSON text, or bytes (a multipart upload, with its `content-type` in `headers`). */
  body?: string | Uint8Array;
  /** The client's headers the provider must see (`anthropic-version`, `anthropic-beta`); authentication is the adapter's. */
  headers: Record<string, string>;
  signal: AbortSignal;
  /** The deployment to send it to: where the object it names lives (a stored response). Absent: any, by the balancing rule. */
  deployment?: string;
  /** The model's own first-byte and idle timeouts (YAML), over the deployment's. */
  timeouts?: DeploymentTimeouts;
  /** The model's own balancing strategy (YAML), over the provider's. */
  strategy?: 'weighted' | 'least-latency';
  /** Told of each attempt at a deployment (the request's trace); absent when tracing is off. */
  onAttempt?: AttemptObserver;
}

/**
 * Told of each attempt at a provider deployment (the gateway's trace spans, observability/): called
 * as the attempt starts, it answers what to call when the attempt ends — with the provider's status
 * (a forwarded answer) or the error the attempt failed with.
 */
export type AttemptObserver = (deployment: string) => (outcome: { status?: number; error?: unknown }) => void;

/** One chat call as an adapter receives it: tenant-free, money-free. */
export interface ChatCall {
  /** The client's request in the hub shape; `model` is still the client's id. */
  request: ChatRequest;
  model: CatalogModel;
  signal: AbortSignal;
  requestId: string;
  /** Told of each attempt at a deployment (the request's trace); absent when tracing is off. */
  onAttempt?: AttemptObserver;
}

/** One embeddings call as an adapter receives it: the inputs in order, tenant-free. */
export interface EmbeddingCall {
  model: CatalogModel;
  /** Texts, or token ids (OpenAI-compatible providers only). */
  inputs: (string | number[])[];
  /** Fewer dimensions than the model's own, where it takes them. */
  dimensions?: number;
  /** What the vectors are for (Gemini's `taskType`); providers without one ignore it. */
  taskType?: string;
  signal: AbortSignal;
  requestId: string;
  onAttempt?: AttemptObserver;
}

export interface EmbeddingResult {
  /** One vector per input, in the inputs' order, every value a finite number. */
  vectors: number[][];
  /** Input tokens as the provider counted them; undefined when it reports none (Gemini). */
  promptTokens?: number;
  deployment?: string;
}

export type ChatResult = (
  | { kind: 'completion'; completion: ChatCompletion; adjustments: Adjustment[] }
  | { kind: 'stream'; events: AsyncIterator<ChatStreamEvent>; adjustments: Adjustment[] }
) & {
  /** The provider deployment that answered (set by the balancing adapter). */
  deployment?: string;
};

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
  readonly nativeSurfaces: readonly SurfaceId[];
  /** Relays a native-surface request and answers the provider's own response, errors included, body unread. */
  forward?(request: ForwardRequest): Promise<UpstreamResponse>;
  /** The provider continues an assistant message that ends the request (a prefill): what `stream_resume` needs. */
  readonly continuesPrefill?: boolean;
  chat(call: ChatCall): Promise<ChatResult>;
  /** Embeddings of the call's inputs; absent on providers that serve none. */
  embed?(call: EmbeddingCall): Promise<EmbeddingResult>;
  /** Images made (or edited) from the call's prompt; absent on providers that make none. */
  generateImages?(call: ImageCall): Promise<ImageResult>;
  /** `text` without this provider's credentials: what a passed-through error body may show a client or a log. */
  scrub(text: string): string;
  /** Reads the usage of an answer (or chunk) this adapter returned, in the gateway's terms: output tokens include reasoning tokens. */
  readUsage(usage: ChatUsage | null | undefined): TokenUsage | undefined;
}
