import type { CatalogModel, ModelKind } from '../catalog/catalog-model.ts';
import type { GatewayError } from '../core/gateway-error.ts';
import type { SurfaceId } from '../core/surface-id.ts';
import type { TokenUsage } from '../core/usage.ts';
import type { KeptRequest } from '../metering/track-request.ts';
import type { AttemptObserver, ProviderAdapter } from '../providers/provider-adapter.ts';
import type { AuthenticatedKey } from '../store/store.ts';
import type { WholeAnswer } from './client-connection.ts';

/**
 * A model call that is not a chat (embeddings, moderations; images and audio to come): one file in
 * `src/dialects/<name>/`, served by `ModelRequestPipeline.serveOperation` through the same phases
 * as a chat — resolve, check, admit, dispatch with the retry rule, encode, settle — with only what
 * is its own here. Its route is one `registerOperationRoutes` line in build-server.ts.
 */
export interface ModelOperation<Body, Result> {
  /** The API the client called, as usage records, metrics and the request log name it (`openai-embeddings`). */
  readonly id: SurfaceId;
  /** The catalog kind its models must be: another kind is a 400 naming the route to use. */
  readonly kind: ModelKind;
  /** The model the client asked for. */
  describe(body: Body): { model: string };
  /** What the model cannot take (a 400 naming the feature), checked before admission. */
  check?(body: Body, model: CatalogModel): void;
  /**
   * The most the request can use, for its reservation and the check of reported usage: an
   * operation billed by the unit (images, seconds) knows it from its body; absent, the body's
   * byte bound of a chat (metering/bound-request-cost.ts).
   */
  bound?(body: Body, model: CatalogModel): TokenUsage;
  /** The provider call, run with the gateway's retry rule; its usage is what the request is billed for. */
  call(adapter: ProviderAdapter, body: Body, context: OperationContext): Promise<OperationResult<Result>>;
  /**
   * The answer in the route's format, once settled: `cost` in micro-credits. A body that is a
   * stream the provider is still sending (speech audio) is relayed by the pipeline as it comes,
   * the request held in flight (deadline, connection share) until it ends.
   */
  encode(result: Result, outcome: { model: CatalogModel; usage: TokenUsage | undefined; cost: number; body: Body }): WholeAnswer;
  /**
   * An operation whose result is a job the provider goes on running (a video): the request is not
   * settled with its answer; `keep` hands its metering to what follows the job, which settles it
   * when the job ends; it answers the result as kept (the stored job), which is encoded. A throw
   * fails the request (its reservation released, nothing billed).
   */
  keep?(result: Result, request: KeptRequest, context: OperationContext & { body: Body; principal: AuthenticatedKey; deployment: string | undefined }): Promise<Result>;
  /** The route's error body. */
  encodeError(error: GatewayError): unknown;
}

export interface OperationContext {
  model: CatalogModel;
  signal: AbortSignal;
  requestId: string;
  onAttempt?: AttemptObserver;
}

export interface OperationResult<Result> {
  result: Result;
  /** Usage as the provider reported it, or the gateway's estimate (`usageEstimated`). */
  usage?: TokenUsage;
  usageEstimated?: boolean;
  /** The provider deployment that answered. */
  deployment?: string;
  /**
   * A body still streaming whose last event reports the usage (speech as events): the request
   * settles once the body was relayed, with this usage — or, when the stream ended without it (cut
   * off, the client gone), with `usage` flagged estimated.
   */
  finalUsage?: Promise<TokenUsage | undefined>;
}
