import type { EventSourceMessage } from 'eventsource-parser';
import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { Adjustment } from '../core/adjustment.ts';
import type { ChatCompletion, ChatRequest } from '../core/chat-types.ts';
import type { GatewayError } from '../core/gateway-error.ts';
import type { SurfaceId } from '../core/surface-id.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { RequestLogger } from '../metering/track-request.ts';
import type { ForwardRequest } from '../providers/provider-adapter.ts';
import type { ChatStreamEncoder } from '../streaming/chat-stream-encoder.ts';
import type { WholeAnswer } from './client-connection.ts';
import type { AuthenticatedKey } from '../store/store.ts';

/** One model-calling request as the pipeline receives it from the HTTP edge: authenticated, its body validated against the surface's schema. */
export interface ModelCall<Body> {
  principal: AuthenticatedKey;
  body: Body;
  /** The client's request headers; a surface passes on the few its provider must see (`anthropic-version`). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  requestId: string;
  logger: RequestLogger;
}

/**
 * An inbound API (OpenAI chat, Anthropic Messages, OpenAI Responses, …): only what is its own.
 * The pipeline (model-request-pipeline.ts) owns the order of the phases and everything shared —
 * resolve, check, admit, dispatch with retries, relay, settle. A surface is one file in
 * `src/dialects/<name>/`, plus its route (`server/routes/register-surface-routes.ts`).
 */
export interface Surface<Body = any> {
  readonly id: SurfaceId;
  /** The model the client asked for, and whether it wants a stream (the decode phase's first look). */
  describe(body: Body): { model: string; streamed: boolean };
  /**
   * The call with the stored state it names written out (Responses: `previous_response_id`,
   * `item_reference`), for a model served natively or translated; runs after resolve, before check.
   */
  prepare?(call: ModelCall<Body>, model: CatalogModel, native: boolean): Promise<ModelCall<Body>>;
  /**
   * A translated request to run detached from its client (Responses `background: true`): answered
   * at once with `accepted`; the pipeline then serves the run's call with no client — admitted,
   * dispatched, settled and billed as any request — and tells the run how it ended. Undefined:
   * served as usual.
   */
  detach?(call: ModelCall<Body>, model: CatalogModel): DetachedRun<Body> | undefined;
  /** The request in the hub shape, for a model whose provider does not speak this surface. */
  decode(body: Body): { request: ChatRequest; adjustments: Adjustment[] };
  /** How this request's hub answer is written in the surface's format, called once the provider accepted it. */
  encoders(call: ModelCall<Body>, model: CatalogModel): TranslatedEncoders;
  /** This surface's error body. */
  encodeError(error: GatewayError): unknown;
  /** Pass-through to providers that list this surface in `nativeSurfaces`; absent: every model is translated. */
  native?: NativeSurface<Body>;
  /** Operations on objects a provider stores for the caller (Responses: retrieve, cancel, delete a response). */
  stored?: StoredObjects;
  /** Token counting (Messages' `count_tokens`): asked of a native provider, estimated for the others. */
  countTokens?: TokenCounting<Body>;
}

export interface DetachedRun<Body> {
  accepted: WholeAnswer;
  call: ModelCall<Body>;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** The run ended: answered (`error` undefined) or failed. */
  ended(error: unknown): Promise<void>;
}

export interface TranslatedEncoders {
  /** The whole answer; `cost` in micro-credits. */
  completion(completion: ChatCompletion, usage: TokenUsage | undefined, cost: number): unknown;
  stream(): ChatStreamEncoder;
}

/** The provider request of a pass-through: the client's body (model id mapped) and the headers the provider must see. */
export type NativeRequest = Omit<ForwardRequest, 'signal'>;

export interface NativeSurface<Body> {
  /** What the gateway must verify that the provider cannot, before admission (Responses: referenced responses are the caller's own). */
  check?(call: ModelCall<Body>, model: CatalogModel): Promise<void>;
  request(call: ModelCall<Body>, model: CatalogModel): NativeRequest;
  /** How this request's answer is read on its way back. */
  exchange(call: ModelCall<Body>, model: CatalogModel): NativeExchange;
}

/**
 * How the native relay (relay-native-answer.ts) reads one passed-through answer: the provider's
 * bytes go to the client as they came; the exchange finds the usage in them and adds the cost.
 */
export interface NativeExchange {
  /**
   * `map`: every provider error becomes the gateway's error in the surface's shape. `relay`: the
   * provider's own 4xx bodies reach the client as written (clients act on their codes); rejected
   * credentials and provider failures are still the gateway's errors.
   */
  errors: 'map' | 'relay';
  /** The message, param and code of a provider error body. */
  readError(body: unknown): { message?: string; param?: string | null; code?: string | null };
  /** Response headers of the provider's that the client gets. */
  passHeaders?(headers: Record<string, string | string[] | undefined>): Record<string, string>;
  /**
   * A whole answer (its JSON, parsed once by the relay; undefined when it is not JSON): its usage,
   * when it is billable now, the id of the object it created, whether it is finished (a finished
   * answer without usage is billed on an estimate) and, counted only then, the output it carries
   * (text, reasoning, tool calls).
   */
  readAnswer(answer: unknown): { usage?: TokenUsage; objectId?: string; background?: boolean; finished?: boolean; outputText?(): string; object?: unknown };
  /** The answer (or a usage-carrying event's data) with the gateway's cost in its usage; undefined when it has none. */
  addCost(text: string, cost: number): string | undefined;
  createStreamTap(): NativeStreamTap;
  /** The surface's `error` event, ending a passed-through stream that broke off midway. */
  encodeStreamError(error: GatewayError): string;
  /** The provider named the object this request created: called at once, without holding up the relay. */
  onCreated?(objectId: string, background: boolean, deployment: string | undefined): void;
  /** The object this request created, once finished (its parsed answer, or the final stream event's object). */
  onFinished?(object: unknown): void;
  /** Whether this request bills the finished object's usage (a stored response's tokens are billed once). True when absent. */
  claimUsage?(objectId: string | undefined, background: boolean): Promise<boolean>;
  /** The prompt's tokens, for an answer without usage (a stream that ended early, a finished answer the provider did not count); absent: such an answer bills nothing. */
  estimatePrompt?(): number;
}

/** Follows one passed-through event stream without rebuilding it. */
export interface NativeStreamTap {
  /** Reads one relayed event; answers 'created' for the event that first named the created object's id. */
  observe(event: EventSourceMessage): 'created' | undefined;
  /** The new SSE text of `event` with the cost added to its usage, or undefined to relay it unchanged. */
  rewrite(event: EventSourceMessage, price: (usage: TokenUsage | undefined) => number): string | undefined;
  usage(): TokenUsage | undefined;
  /** Whether the answer is whole (its final event relayed), given how the relay ended. */
  complete(outcome: 'completed' | 'client_aborted' | 'failed'): boolean;
  readonly objectId?: string;
  readonly background?: boolean;
  /** The finished object, as the final event carried it. */
  readonly finalObject?: unknown;
  /** Set when the provider's own stream reported an error (an `error` event): what the request is recorded as. */
  readonly failure?: { status: number; code: string };
  /** `performance.now()` at the first output. */
  readonly firstOutputAt: number | undefined;
  /** The output relayed so far, for counting when a stream ends early. */
  relayedOutput(): string;
}

/** An object kept for the caller — by its provider, or by the gateway — and who created it. */
export interface StoredObject {
  id: string;
  organizationId: string;
  provider: string;
  model: string;
  /** Who answers operations on it: its provider, or the gateway (a translated model's object). */
  holder: 'provider' | 'gateway';
  /** The provider deployment that holds it. */
  deployment?: string | null;
}

export interface StoredObjects {
  /** The operations clients call on an object, each a route under the surface's path + `/:id`. */
  operations: readonly Omit<StoredOperation, 'query'>[];
  /** The object when the caller's organization created it; undefined otherwise, whoever else did. */
  find(id: string, principal: AuthenticatedKey): Promise<StoredObject | undefined>;
  notFound(id: string): GatewayError;
  /** Whether the client asked for the answer as a stream. */
  streamed(query: string): boolean;
  request(operation: StoredOperation, object: StoredObject): NativeRequest;
  exchange(object: StoredObject): NativeExchange;
  /** An operation on an object the gateway holds, answered from its store. */
  answerHeld(operation: StoredOperation, object: StoredObject, principal: AuthenticatedKey): Promise<WholeAnswer>;
  /** The provider deleted the object: the gateway forgets it too. */
  onDeleted?(object: StoredObject): Promise<void>;
}

export interface StoredOperation {
  method: 'GET' | 'POST' | 'DELETE';
  /** After the object's path: '', '/cancel' or '/input_items'. */
  suffix: string;
  /** The client's query string, with its `?`, or ''. */
  query: string;
}

export interface TokenCounting<Body> {
  request(call: ModelCall<Body>, model: CatalogModel): NativeRequest;
  readError(body: unknown): { message?: string; param?: string | null };
  estimate(body: Body): unknown;
}
