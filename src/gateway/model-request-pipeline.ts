import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CatalogModel, ModelKind } from '../catalog/catalog-model.ts';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import { formatMicros } from '../core/format-micros.ts';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import { parseJson } from '../core/parse-json.ts';
import type { AdmissionService } from '../metering/admission-service.ts';
import { trackRequest, type RequestFacts, type TrackedRequest } from '../metering/track-request.ts';
import { mapUpstreamError } from '../providers/map-upstream-error.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';
import { isTransientStatus } from '../providers/is-transient-status.ts';
import { boundRequestCost } from '../metering/bound-request-cost.ts';
import type { AuthenticatedKey } from '../store/store.ts';
import { readUpstreamText, type UpstreamResponse } from '../providers/upstream-client.ts';
import type { UsageWriter } from '../usage/usage-writer.ts';
import { answerTranslatedChat } from './answer-translated-chat.ts';
import { BodyCapture } from './capture-bodies.ts';
import type { ChatService } from './chat-service.ts';
import { DetachedEdge, RequestConnection, type ClientConnection, type EdgeConnection, type WholeAnswer } from './client-connection.ts';
import { dispatchChat } from './dispatch-chat.ts';
import type { ChatRequest } from '../core/chat-types.ts';
import type { TokenUsage } from '../core/usage.ts';
import { classifyRefusal } from '../providers/classify-refusal.ts';
import type { GatewayMetrics } from '../observability/gateway-metrics.ts';
import type { GatewayTracer } from '../observability/gateway-tracer.ts';
import { canResumeStream, resumeBrokenStream } from './resume-broken-stream.ts';
import { estimatePromptTokens } from '../usage/estimate-prompt-tokens.ts';
import { forwardWithRetries } from './forward-with-retries.ts';
import type { RetryBudgets } from './retry-budget.ts';
import { refusedConnection, retryTransient } from './retry-transient.ts';
import type { ModelOperation } from './model-operation.ts';
import type { SurfaceId } from '../core/surface-id.ts';
import { relayNativeAnswer } from './relay-native-answer.ts';
import type { ProviderShares } from './provider-shares.ts';
import type { DetachedRun, ModelCall, StoredOperation, Surface } from './surface.ts';

/** The response header that reports what a request cost, in credits (a decimal string). */
export const CREDITS_USED_HEADER = 'x-switchyard-credits-used';
/** The model that served the request (a fallback's, when the requested one's provider failed). */
export const MODEL_HEADER = 'x-switchyard-model';
/** The provider deployment that served the request. */
export const DEPLOYMENT_HEADER = 'x-switchyard-deployment';

/** The most models a request's `models` list may name. */
const MAX_REQUEST_FALLBACKS = 10;

/** A fallback model that cannot take the request (before any provider call): the chain goes on. */
class SkippedCandidate extends Error {
  constructor(readonly cause: GatewayError) {
    super(cause.message);
  }
}

/** Whether a failure lets the next model of the chain try: a transient provider failure, or a fallback that could not take the request. */
function failsOver(error: unknown, model: CatalogModel): boolean {
  return error instanceof SkippedCandidate || (error instanceof GatewayError && (error.retryable || fallsBackOnRefusal(error, model)));
}

/** A refusal the model's YAML `fallbackOn` names (its context window exceeded, a content policy): the next model is tried too. */
function fallsBackOnRefusal(error: GatewayError, model: CatalogModel): boolean {
  const kind = model.fallbackOn && model.fallbackOn.length > 0 ? classifyRefusal(error) : undefined;
  return kind !== undefined && model.fallbackOn!.includes(kind);
}

/** A request body's `models` (its fallback list, OpenRouter's convention), validated; undefined when absent. */
function readFallbackModels(body: unknown): string[] | undefined {
  const models = (body as { models?: unknown } | null)?.models;
  if (models === undefined) return undefined;
  if (!Array.isArray(models) || models.length === 0 || models.length > MAX_REQUEST_FALLBACKS || models.some((id) => typeof id !== 'string' || id === '')) {
    throw GATEWAY_ERRORS.invalidFallbackModels(MAX_REQUEST_FALLBACKS);
  }
  return models as string[];
}

/** A request's `stream_resume` (a gateway field): true, false, or absent for the model's setting. */
function readStreamResume(body: unknown): boolean | undefined {
  const value = (body as { stream_resume?: unknown } | null)?.stream_resume;
  if (value === undefined || typeof value === 'boolean') return value;
  throw GATEWAY_ERRORS.invalidStreamResume();
}

/** The body without the gateway's own fields (`models`, `stream_resume`), never forwarded. */
function withoutGatewayFields<Body>(body: Body): Body {
  const { models: _models, stream_resume: _resume, ...rest } = body as Record<string, unknown>;
  return rest as Body;
}

/** The call for a fallback model: its body names that model, so translated answers and stored responses say which served. */
function withModel<Body>(call: ModelCall<Body>, model: string): ModelCall<Body> {
  return { ...call, body: { ...(call.body as Record<string, unknown>), model } as Body };
}

/**
 * Bytes a provider is still sending, relayed to the client as they come (backpressure included).
 * The client leaving, or the deadline, ends the provider's body too; a provider that breaks off
 * midway leaves the client a cut body — the answer was settled before its first byte.
 */
async function relayBody(connection: ClientConnection, answer: WholeAnswer, body: Readable, logger: { info(details: object, message: string): void }): Promise<void> {
  const response = connection.openStream({ 'content-type': answer.contentType ?? 'application/octet-stream', ...answer.headers });
  try {
    await pipeline(body, response, { signal: connection.signal });
  } catch (error) {
    if (!connection.signal.aborted) logger.info({ err: error }, 'a relayed body broke off midway');
    response.destroy();
  }
}

/**
 * What the metering of a request knows of it. Written out field by field, not `{ ...call, surface, … }`:
 * V8 (Node 20) keeps an object made by a spread and then given a key its source lacked — and all it
 * references — through young-generation collections until the next full one (measured: that one
 * literal made every request's objects survive, ~0.5 MB per scavenge at 1,000 req/s). See
 * ARCHITECTURE.md, "per-request objects dying young".
 */
function requestFacts(call: Pick<ModelCall<unknown>, 'requestId' | 'principal' | 'logger'>, surface: SurfaceId, model: string, streamed: boolean, bodies?: BodyCapture): RequestFacts & { bodies?: BodyCapture } {
  return { requestId: call.requestId, principal: call.principal, logger: call.logger, surface, model, streamed, bodies };
}

/** The route that serves each kind of model, for the refusal that names it. */
const ROUTE_OF_KIND: Record<ModelKind, string> = { chat: 'use a chat route (/v1/chat/completions, /v1/messages, /v1/responses, /v1/completions)', embedding: 'use /v1/embeddings', moderation: 'use /v1/moderations', speech: 'use /v1/audio/speech', transcription: 'use /v1/audio/transcriptions', image: 'use /v1/images/generations', video: 'use /v1/videos' };

/** A model of another kind than the route serves is a 400 that names the route to use. */
function requireKind(model: CatalogModel, kind: ModelKind): void {
  const actual = model.kind ?? 'chat';
  if (actual !== kind) throw GATEWAY_ERRORS.wrongModelKind(model.id, actual, ROUTE_OF_KIND[actual]);
}

/** The model of the chain whose request could cost most: what admission reserves for. */
function dearestOf(chain: { model: CatalogModel }[], body: unknown): CatalogModel {
  return chain.map(({ model }) => ({ model, bound: boundRequestCost(body, model) })).reduce((dearest, candidate) => (candidate.bound > dearest.bound ? candidate : dearest)).model;
}

/**
 * The phases of every model-calling request, in order, whatever its surface:
 *
 * 1. authenticate — the key, from memory. The HTTP edge runs it for every route in its `onRequest`
 *    hook (accounts/authenticate-credentials.ts), before a body is read; the pipeline starts from its principal.
 * 2. decode       — the surface reads the model and stream flag; a translated request becomes the hub request.
 * 3. resolve      — catalog entry and provider adapter (404 when unknown or off); native when the
 *    provider speaks the surface.
 * 4. check        — what the model cannot do at all (translated), or what only the gateway can verify (native).
 * 5. admit        — allow-list, rate and concurrency limits, credit reservation (metering/).
 * 6. dispatch     — the provider call with the retry rule: `dispatchChat` (translated) or `forwardWithRetries` (native).
 * 7. encode       — the answer in the surface's format: `answerTranslatedChat` or `relayNativeAnswer`, stream included.
 * 8. settle       — cost, usage record, debit, one log line (`TrackedRequest.finish`, metering/); a failure is settled with its status.
 */
export const MODEL_REQUEST_PHASES = ['authenticate', 'decode', 'resolve', 'check', 'admit', 'dispatch', 'encode', 'settle'] as const;

/**
 * Runs the phases for any surface (surface.ts). Fastify-free: the edge hands it a validated body
 * and a ClientConnection, and sends the whole answer it returns (a stream is written here).
 */
export class ModelRequestPipeline {
  constructor(
    private readonly services: {
      chat: ChatService;
      catalog: ModelCatalog;
      adapters: Map<string, ProviderAdapter>;
      admission: AdmissionService;
      usage: UsageWriter;
      maxRetries: number;
      /** A request's total deadline, retries and streaming included. */
      totalTimeoutMs: number;
      /** A provider's own total deadline (YAML `providers.<id>.timeouts.totalMs`), over the gateway's. */
      providerTotalTimeoutMs?: (provider: string) => number | undefined;
      /** Each organization's share of a provider's connections. */
      providerShares: ProviderShares;
      /** Each provider's budget of retries and failovers. */
      retryBudgets?: RetryBudgets;
      /** Counts each settled request (Prometheus). */
      metrics?: GatewayMetrics;
      /** OpenTelemetry spans of each request (observability/gateway-tracer.ts); absent when tracing is off. */
      tracer?: GatewayTracer;
    },
  ) {}

  /** Model requests in flight on this instance. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** One abort controller per request in flight: what a shutdown past its deadline ends. */
  private readonly inFlight = new Set<AbortController>();

  /**
   * Ends every request in flight with `reason` (the shutdown deadline passed): providers are
   * cancelled, streams end with their surface's error event, and each request is settled and
   * billed for what it relayed, as when a provider fails.
   */
  abortInFlight(reason: GatewayError): void {
    for (const controller of this.inFlight) controller.abort(reason);
  }

  /**
   * A model request on `surface`: translated to any provider, or passed through to one that speaks
   * the surface. When the model's provider fails before anything reached the client (connection
   * refused or reset, timeout, 429, 5xx, after the retry rule), the request goes on to the next of
   * its fallbacks — the request's `models` list, else the model's YAML `fallbacks` — each served
   * natively or translated as its provider allows. Admission reserves for the dearest model of the
   * chain; the answer is billed at the model that served, named by `x-switchyard-model`.
   */
  serve<Body>(surface: Surface<Body>, call: ModelCall<Body>, client: EdgeConnection): Promise<WholeAnswer | undefined> {
    const { model: requestedModel, streamed } = surface.describe(call.body); // decode
    const logging = call.principal.organizationRequestLogging;
    const bodies = logging.bodies ? new BodyCapture(call.body, logging) : undefined;
    return this.settled(client, requestFacts(call, surface.id, requestedModel, streamed, bodies), async (tracked, connection, limitTotal) => {
      const requestedFallbacks = readFallbackModels(call.body);
      const streamResume = readStreamResume(call.body);
      if (requestedFallbacks || streamResume !== undefined) call = { ...call, body: withoutGatewayFields(call.body) };
      const first = this.services.chat.resolve(requestedModel); // resolve
      requireKind(first.model, 'chat');
      // The requested model's own total deadline (YAML `timeouts.totalMs`), else its provider's, bounds the request, fallbacks included.
      const totalMs = first.model.timeouts?.totalMs ?? this.services.providerTotalTimeoutMs?.(first.model.provider);
      if (totalMs !== undefined) limitTotal(totalMs);
      tracked.provider = first.model.provider;
      const chain = [first, ...this.fallbacksOf(first.model, requestedFallbacks, call.principal)];
      let admitted: Promise<void> | undefined;
      const admitOnce = () => (admitted ??= this.admit(tracked, connection, dearestOf(chain, call.body), call.body)); // admit
      for (const [index, candidate] of chain.entries()) {
        const fallback = index > 0;
        try {
          return await this.serveOn(surface, fallback ? withModel(call, candidate.model.id) : call, candidate, tracked, connection, { admitOnce, fallback, hasNext: index < chain.length - 1, streamResume });
        } catch (error) {
          const next = chain[index + 1];
          if (!next || connection.headersSent || connection.signal.aborted || !failsOver(error, candidate.model)) throw error instanceof SkippedCandidate ? error.cause : error;
          // A failover is a retry elsewhere: it spends the failed provider's budget (a refused connection or a refusal of the request costs nothing).
          if (error instanceof GatewayError && error.retryable && !refusedConnection(error) && this.services.retryBudgets && !this.services.retryBudgets.of(candidate.model.provider).tryRetry()) throw error;
          call.logger.info({ model: candidate.model.id, next: next.model.id, reason: error instanceof GatewayError ? error.code : 'skipped' }, 'falling back to the next model');
        }
      }
      throw new Error('unreachable: the chain has at least one model');
    }, call);
  }

  /** One model of the chain: prepared, checked, admitted (once per request), dispatched, relayed. */
  private async serveOn<Body>(
    surface: Surface<Body>,
    call: ModelCall<Body>,
    { model, adapter }: { model: CatalogModel; adapter: ProviderAdapter },
    tracked: TrackedRequest,
    connection: ClientConnection,
    chain: { admitOnce: () => Promise<void>; fallback: boolean; hasNext: boolean; streamResume: boolean | undefined },
  ): Promise<WholeAnswer | undefined> {
    const native = surface.native && adapter.nativeSurfaces.includes(surface.id) && adapter.forward ? surface.native : undefined;
    const budget = this.services.retryBudgets?.of(model.provider);
    const options = { maxRetries: this.services.maxRetries, budget };
    // What a fallback model cannot take (a feature it lacks) skips it rather than failing the request.
    const beforeDispatch = async <T>(step: () => T | Promise<T>): Promise<T> => {
      try {
        return await step();
      } catch (error) {
        throw chain.fallback && error instanceof GatewayError && error.status < 500 ? new SkippedCandidate(error) : error;
      }
    };
    const prepared = surface.prepare ? await beforeDispatch(() => surface.prepare!(call, model, native !== undefined)) : call; // decode: stored state written out
    if (native) {
      await beforeDispatch(() => native.check?.(prepared, model)); // check
      await chain.admitOnce(); // admit
      this.servedBy(tracked, connection, model, chain.fallback);
      const release = this.takeShare(model.provider, prepared.principal.organizationId);
      budget?.recordRequest();
      try {
        // Assigned, not spread and extended: it reaches the whole request (requestFacts says why).
        const forwarded = Object.assign({}, native.request(prepared, model), { signal: connection.signal, timeouts: model.timeouts, strategy: model.strategy, onAttempt: tracked.trace?.attempts(model) });
        const upstream = await forwardWithRetries(adapter, forwarded, options); // dispatch
        tracked.deployment = upstream.deployment;
        if (upstream.deployment) connection.setHeader(DEPLOYMENT_HEADER, upstream.deployment);
        if (chain.hasNext && isTransientStatus(upstream.status)) {
          // The provider's final word is a transient failure, and another model is next: nothing is relayed.
          await upstream.body.dump();
          throw mapUpstreamError({ provider: model.provider, status: upstream.status, message: undefined, rawBody: '', secrets: [] });
        }
        const refusalFailsOver = chain.hasNext && model.fallbackOn !== undefined ? (error: GatewayError) => fallsBackOnRefusal(error, model) : undefined;
        return await relayNativeAnswer(connection, tracked, adapter, upstream, native.exchange(prepared, model), refusalFailsOver); // encode, settle
      } finally {
        release();
      }
    }
    const decoded = await beforeDispatch(() => {
      const result = surface.decode(prepared.body); // decode
      this.services.chat.checkCapabilities(model, result.request); // check
      return result;
    });
    const detached = surface.detach?.(prepared, model);
    if (detached) {
      this.runDetached(surface, detached);
      return detached.accepted;
    }
    await chain.admitOnce(); // admit
    this.servedBy(tracked, connection, model, chain.fallback);
    const release = this.takeShare(model.provider, prepared.principal.organizationId);
    budget?.recordRequest();
    try {
      const chatCall = { request: decoded.request, model, signal: connection.signal, requestId: prepared.requestId, onAttempt: tracked.trace?.attempts(model) };
      let dispatched = await dispatchChat(adapter, chatCall, options); // dispatch
      tracked.deployment = dispatched.deployment;
      if (dispatched.deployment) connection.setHeader(DEPLOYMENT_HEADER, dispatched.deployment);
      let brokenPromptTokens = 0;
      if (dispatched.kind === 'stream' && (chain.streamResume ?? model.streamResume) === true && adapter.continuesPrefill && canResumeStream(decoded.request)) {
        const restart = async (request: ChatRequest) => {
          const continued = await dispatchChat(adapter, { ...chatCall, request }, options);
          if (continued.kind !== 'stream') throw new Error('a continuation of a stream is a stream');
          return continued;
        };
        const events = resumeBrokenStream(dispatched.first, dispatched.events, {
          request: decoded.request,
          restart,
          readUsage: (usage) => adapter.readUsage(usage),
          estimatePromptTokens,
          onResumed: ({ brokenCall, deliveredCharacters, error }) => {
            brokenPromptTokens += brokenCall.promptTokens;
            // Billed on top of the request's own bounds: the broken call, and the delivered text again as the continuation's prefill.
            tracked.allowUsage({ promptTokens: brokenCall.promptTokens + brokenCall.completionTokens, completionTokens: brokenCall.completionTokens });
            prepared.logger.info({ model: model.id, delivered: deliveredCharacters, reason: error.code }, 'stream broke midway: continuing it (stream_resume)');
          },
        });
        dispatched = { ...dispatched, events };
      }
      return await answerTranslatedChat(connection, tracked, dispatched, adapter, { request: decoded.request, adjustments: decoded.adjustments, encoders: surface.encoders(prepared, model), brokenPromptTokens: () => brokenPromptTokens }); // encode, settle
    } finally {
      release();
    }
  }

  /** The model about to serve: priced and recorded as itself, and named to the client. */
  private servedBy(tracked: TrackedRequest, connection: ClientConnection, model: CatalogModel, fallback: boolean): void {
    tracked.model = model;
    tracked.provider = model.provider;
    if (fallback) tracked.servedModel = model.id;
    if (!connection.headersSent) connection.setHeader(MODEL_HEADER, model.id);
  }

  /**
   * The models after `model`, in order: the request's own list when it sent one (each must resolve
   * and be allowed for the key), else the model's YAML fallbacks (those whose provider is off, or
   * that the key may not use, left out). The model itself never comes twice.
   */
  private fallbacksOf(model: CatalogModel, requested: string[] | undefined, principal: AuthenticatedKey): { model: CatalogModel; adapter: ProviderAdapter }[] {
    const chain: { model: CatalogModel; adapter: ProviderAdapter }[] = [];
    const seen = new Set([model.id]);
    const allowed = (candidate: CatalogModel) => !principal.allowedModels || principal.allowedModels.includes(candidate.id);
    for (const id of requested ?? model.fallbacks ?? []) {
      let resolved: { model: CatalogModel; adapter: ProviderAdapter };
      try {
        resolved = this.services.chat.resolve(id);
      } catch (error) {
        if (requested) throw error;
        continue;
      }
      if (seen.has(resolved.model.id)) continue;
      // A fallback of another kind (an embedding model in a chat chain) could never answer.
      if ((resolved.model.kind ?? 'chat') !== 'chat') {
        if (requested) requireKind(resolved.model, 'chat');
        continue;
      }
      if (!allowed(resolved.model)) {
        if (requested) throw GATEWAY_ERRORS.modelNotAllowed(id);
        continue;
      }
      seen.add(resolved.model.id);
      chain.push(resolved);
    }
    return chain;
  }

  /**
   * A model call that is not a chat (embeddings, moderations): the same phases — resolve (a model of
   * the operation's kind), check, admit (reserving the most its input can cost), dispatch with the
   * retry rule and the provider's connection share, settle — then the operation's answer, which
   * carries the settled cost.
   */
  serveOperation<Body, Result>(operation: ModelOperation<Body, Result>, call: ModelCall<Body>, client: EdgeConnection): Promise<WholeAnswer | undefined> {
    const { model: requestedModel } = operation.describe(call.body);
    return this.settled(
      client,
      requestFacts(call, operation.id, requestedModel, false),
      async (tracked, connection) => {
        const { model, adapter } = this.services.chat.resolve(requestedModel); // resolve
        tracked.provider = model.provider;
        requireKind(model, operation.kind);
        operation.check?.(call.body, model); // check
        await this.admit(tracked, connection, model, call.body, operation.bound?.(call.body, model)); // admit
        this.servedBy(tracked, connection, model, false);
        const release = this.takeShare(model.provider, call.principal.organizationId);
        const budget = this.services.retryBudgets?.of(model.provider);
        budget?.recordRequest();
        try {
          const context = { model, signal: connection.signal, requestId: call.requestId, onAttempt: tracked.trace?.attempts(model) };
          const outcome = await retryTransient(() => operation.call(adapter, call.body, context), { maxRetries: this.services.maxRetries, signal: connection.signal, budget }); // dispatch
          tracked.deployment = outcome.deployment;
          if (outcome.deployment) connection.setHeader(DEPLOYMENT_HEADER, outcome.deployment);
          if (operation.keep) {
            // A job the provider goes on running: settled when it ends, by what follows it.
            const kept = await operation.keep(outcome.result, tracked.keep(), { ...context, body: call.body, principal: call.principal, deployment: outcome.deployment });
            return operation.encode(kept, { model, usage: undefined, cost: 0, body: call.body });
          }
          const settle = () => tracked.finish(200, { usage: outcome.usage, usageEstimated: outcome.usageEstimated }); // settle
          const answer = operation.encode(outcome.result, { model, usage: outcome.usage, cost: outcome.finalUsage ? 0 : settle(), body: call.body }); // encode
          if (!(answer.body instanceof Readable)) return answer;
          // A body the provider is still sending (speech audio) is relayed here, while the request's
          // deadline, its connection share and its place among the requests in flight still hold it.
          await relayBody(connection, answer, answer.body, call.logger);
          if (outcome.finalUsage) {
            // Usage in the stream's last event: settled once it was relayed, with it or the estimate.
            const reported = await outcome.finalUsage;
            tracked.finish(200, reported ? { usage: reported } : { usage: outcome.usage, usageEstimated: true });
          }
          return undefined;
        } finally {
          release();
        }
      },
      call,
    );
  }

  /**
   * Serves a detached run (a background response of a translated model) with no client: the run's
   * own signal (a cancel) and the request deadline end it; shutdown aborts it like any request.
   */
  private runDetached<Body>(surface: Surface<Body>, run: DetachedRun<Body>): void {
    const connection = new DetachedEdge(run.signal);
    void this.serve(surface, run.call, connection)
      .then(
        () => run.ended(undefined),
        (error: unknown) => run.ended(error),
      )
      .catch((error: unknown) => run.call.logger.info({ err: error }, 'could not record how a background run ended'));
  }

  /**
   * An operation on an object a provider stores (retrieve, cancel, delete a response): only its
   * own organization reaches it, only the provider that created it is asked. Not admitted (it
   * calls no model), but settled: a finished background response's tokens are billed once, at
   * its model's prices, by the first operation that sees them.
   */
  async serveStored(surface: Surface, call: Omit<ModelCall<unknown>, 'body' | 'headers'> & { objectId: string; operation: StoredOperation }, client: EdgeConnection): Promise<WholeAnswer | undefined> {
    const stored = surface.stored;
    if (!stored) throw new Error(`surface ${surface.id} stores no objects`);
    const object = await stored.find(call.objectId, call.principal);
    const facts = requestFacts(call, surface.id, object?.model ?? '', stored.streamed(call.operation.query));
    return this.settled(client, facts, async (tracked, connection) => {
      if (!object) throw stored.notFound(call.objectId);
      tracked.provider = object.provider;
      tracked.model = this.services.catalog.find(object.model);
      if (object.holder === 'gateway') {
        const answer = await stored.answerHeld(call.operation, object, call.principal);
        tracked.finish(answer.status, {});
        return answer;
      }
      const adapter = this.services.adapters.get(object.provider);
      if (!adapter?.forward) throw GATEWAY_ERRORS.providerNotConfigured(object.model, object.provider);
      const upstream = await forwardWithRetries(adapter, { ...stored.request(call.operation, object), signal: connection.signal }, { maxRetries: this.services.maxRetries });
      const answer = await relayNativeAnswer(connection, tracked, adapter, upstream, stored.exchange(object));
      if (call.operation.method === 'DELETE' && answer !== undefined && answer.status < 300) await stored.onDeleted?.(object);
      return answer;
    });
  }

  /** Token counting, free of charge: asked of a provider that speaks the surface, estimated with a tokenizer for the others. */
  async countTokens<Body>(surface: Surface<Body>, call: ModelCall<Body>, client: EdgeConnection): Promise<WholeAnswer> {
    const counting = surface.countTokens;
    if (!counting) throw new Error(`surface ${surface.id} counts no tokens`);
    const { model, adapter } = this.services.chat.resolve(surface.describe(call.body).model);
    if (!adapter.nativeSurfaces.includes(surface.id) || !adapter.forward) return { status: 200, body: counting.estimate(call.body) };
    const cancel = new AbortController();
    const stopWatching = client.whenGone((reason) => cancel.abort(reason));
    let upstream: UpstreamResponse;
    let text: string;
    try {
      upstream = await forwardWithRetries(adapter, { ...counting.request(call, model), signal: cancel.signal }, { maxRetries: this.services.maxRetries });
      text = await readUpstreamText(model.provider, upstream, cancel.signal);
    } finally {
      stopWatching();
    }
    if (upstream.status >= 400) {
      const scrubbed = adapter.scrub(text);
      const parsed = parseJson(scrubbed);
      const error = parsed.ok && parsed.value !== null && typeof parsed.value === 'object' ? counting.readError(parsed.value) : {};
      throw mapUpstreamError({ provider: model.provider, status: upstream.status, message: error.message, param: error.param, rawBody: scrubbed, secrets: [] });
    }
    return { status: 200, contentType: 'application/json', body: text };
  }

  /** The organization's place among the provider's connections, held until the answer is relayed; a 429 when it holds its whole share. */
  private takeShare(provider: string, organizationId: string): () => void {
    const release = this.services.providerShares.take(provider, organizationId);
    if (!release) throw GATEWAY_ERRORS.providerShareExceeded(provider, this.services.providerShares.limit);
    return release;
  }

  private async admit(tracked: TrackedRequest, connection: ClientConnection, model: CatalogModel, body: unknown, bound?: TokenUsage): Promise<void> {
    const admitted = tracked.trace?.admission();
    let headers: Record<string, string>;
    try {
      headers = await tracked.admit(model, body, bound);
    } catch (refusal) {
      admitted?.(refusal);
      throw refusal;
    }
    admitted?.();
    for (const [name, value] of Object.entries(headers)) connection.setHeader(name, value);
  }

  /**
   * Runs `work` with its request tracked, and settles whatever happens: a failure is recorded
   * with its status (499 when the client left first) and rethrown for the edge to render.
   */
  private async settled(
    client: EdgeConnection,
    facts: RequestFacts & { bodies?: BodyCapture },
    work: (tracked: TrackedRequest, connection: ClientConnection, limitTotal: (ms: number) => void) => Promise<WholeAnswer | undefined>,
    /** The model call the request's root span is opened for, when tracing is on; absent: no span (a stored object's operation). */
    traced?: Pick<ModelCall<unknown>, 'body' | 'headers'>,
  ): Promise<WholeAnswer | undefined> {
    // The trace rides on the facts: the tracked request carries it to admission, the attempts and settlement.
    if (traced && this.services.tracer) facts.trace = this.services.tracer.startRequest(facts, traced);
    const tracked = trackRequest(this.services, facts, (cost, request) => {
      if (request.model && !client.headersSent) client.setHeader(CREDITS_USED_HEADER, formatMicros(cost));
    });
    // The request's own signal: the client leaving, its total deadline, or a shutdown past its deadline.
    // A deadline or shutdown aborts with the GatewayError the client is to get (undici rejects with the reason).
    const controller = new AbortController();
    const stopWatching = client.whenGone((reason) => controller.abort(reason));
    const startedAt = performance.now();
    const expireAfter = (totalMs: number) => setTimeout(() => controller.abort(GATEWAY_ERRORS.deadlineExceeded(totalMs)), Math.max(0, totalMs - (performance.now() - startedAt)));
    let deadline = expireAfter(this.services.totalTimeoutMs);
    const limitTotal = (totalMs: number) => {
      clearTimeout(deadline);
      deadline = expireAfter(totalMs);
    };
    this.inFlight.add(controller);
    const connection = new RequestConnection(controller.signal, client, facts.bodies);
    try {
      const answer = await work(tracked, connection, limitTotal);
      facts.bodies?.end(answer);
      return answer;
    } catch (thrown) {
      const reason: unknown = controller.signal.reason;
      const error = !client.gone && controller.signal.aborted && reason instanceof GatewayError ? reason : thrown;
      if (client.gone) tracked.finish(499, { errorCode: 'client_closed_request' });
      else tracked.finish(error instanceof GatewayError ? error.status : 500, { errorCode: error instanceof GatewayError ? error.code : 'internal_error' });
      throw error;
    } finally {
      clearTimeout(deadline);
      stopWatching();
      this.inFlight.delete(controller);
      facts.bodies?.end();
      tracked.dispose();
      facts.trace?.end();
    }
  }
}
