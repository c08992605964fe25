import type { CatalogModel } from '../catalog/catalog-model.ts';
import type { ModelCatalog } from '../catalog/model-catalog.ts';
import { formatMicros } from '../core/format-micros.ts';
import { GATEWAY_ERRORS, GatewayError } from '../core/gateway-error.ts';
import { parseJson } from '../core/parse-json.ts';
import type { AdmissionService } from '../metering/admission-service.ts';
import { trackRequest, type RequestFacts, type TrackedRequest } from '../metering/track-request.ts';
import { mapUpstreamError } from '../providers/map-upstream-error.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';
import { readUpstreamText } from '../providers/upstream-client.ts';
import type { UsageRecorder } from '../usage/usage-recorder.ts';
import { answerTranslatedChat } from './answer-translated-chat.ts';
import type { ChatService } from './chat-service.ts';
import type { ClientConnection, WholeAnswer } from './client-connection.ts';
import { dispatchChat } from './dispatch-chat.ts';
import { forwardWithRetries } from './forward-with-retries.ts';
import { relayNativeAnswer } from './relay-native-answer.ts';
import type { ProviderShares } from './provider-shares.ts';
import type { DetachedRun, ModelCall, StoredOperation, Surface } from './surface.ts';

/** The response header that reports what a request cost, in credits (a decimal string). */
export const CREDITS_USED_HEADER = 'x-switchyard-credits-used';

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
      usage: UsageRecorder;
      maxRetries: number;
      /** A request's total deadline, retries and streaming included. */
      totalTimeoutMs: number;
      /** Each organization's share of a provider's connections. */
      providerShares: ProviderShares;
    },
  ) {}

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

  /** A model request on `surface`: translated to any provider, or passed through to one that speaks the surface. */
  serve<Body>(surface: Surface<Body>, call: ModelCall<Body>, client: ClientConnection): Promise<WholeAnswer | undefined> {
    const { model: requestedModel, streamed } = surface.describe(call.body); // decode
    return this.settled(client, { ...call, surface: surface.id, model: requestedModel, streamed }, async (tracked, connection) => {
      const { model, adapter } = this.services.chat.resolve(requestedModel); // resolve
      tracked.provider = model.provider;
      const native = surface.native && adapter.nativeSurfaces.includes(surface.id) && adapter.forward ? surface.native : undefined;
      const options = { maxRetries: this.services.maxRetries };
      if (surface.prepare) call = await surface.prepare(call, model, native !== undefined); // decode: stored state written out
      if (native) {
        await native.check?.(call, model); // check
        await this.admit(tracked, connection, model, call.body); // admit
        const release = this.takeShare(model.provider, call.principal.organizationId);
        try {
          const upstream = await forwardWithRetries(adapter, { ...native.request(call, model), signal: connection.signal }, options); // dispatch
          return await relayNativeAnswer(connection, tracked, adapter, upstream, native.exchange(call, model)); // encode, settle
        } finally {
          release();
        }
      }
      const decoded = surface.decode(call.body); // decode
      this.services.chat.checkCapabilities(model, decoded.request); // check
      const detached = surface.detach?.(call, model);
      if (detached) {
        this.runDetached(surface, detached);
        return detached.accepted;
      }
      await this.admit(tracked, connection, model, call.body); // admit
      const release = this.takeShare(model.provider, call.principal.organizationId);
      try {
        const dispatched = await dispatchChat(adapter, { request: decoded.request, model, signal: connection.signal, requestId: call.requestId }, options); // dispatch
        return await answerTranslatedChat(connection, tracked, dispatched, adapter, { ...decoded, encoders: surface.encoders(call, model) }); // encode, settle
      } finally {
        release();
      }
    });
  }

  /**
   * Serves a detached run (a background response of a translated model) with no client: the run's
   * own signal (a cancel) and the request deadline end it; shutdown aborts it like any request.
   */
  private runDetached<Body>(surface: Surface<Body>, run: DetachedRun<Body>): void {
    const connection: ClientConnection = {
      signal: run.signal,
      setHeader: () => undefined,
      headersSent: false,
      openStream: () => {
        throw new Error('a detached run is never streamed');
      },
    };
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
  async serveStored(surface: Surface, call: Omit<ModelCall<unknown>, 'body' | 'headers'> & { objectId: string; operation: StoredOperation }, client: ClientConnection): Promise<WholeAnswer | undefined> {
    const stored = surface.stored;
    if (!stored) throw new Error(`surface ${surface.id} stores no objects`);
    const object = await stored.find(call.objectId, call.principal);
    const facts = { ...call, surface: surface.id, model: object?.model ?? '', streamed: stored.streamed(call.operation.query) };
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
  async countTokens<Body>(surface: Surface<Body>, call: ModelCall<Body>, connection: ClientConnection): Promise<WholeAnswer> {
    const counting = surface.countTokens;
    if (!counting) throw new Error(`surface ${surface.id} counts no tokens`);
    const { model, adapter } = this.services.chat.resolve(surface.describe(call.body).model);
    if (!adapter.nativeSurfaces.includes(surface.id) || !adapter.forward) return { status: 200, body: counting.estimate(call.body) };
    const upstream = await forwardWithRetries(adapter, { ...counting.request(call, model), signal: connection.signal }, { maxRetries: this.services.maxRetries });
    const text = await readUpstreamText(model.provider, upstream, connection.signal);
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

  private async admit(tracked: TrackedRequest, connection: ClientConnection, model: CatalogModel, body: unknown): Promise<void> {
    const headers = await tracked.admit(model, body);
    for (const [name, value] of Object.entries(headers)) connection.setHeader(name, value);
  }

  /**
   * Runs `work` with its request tracked, and settles whatever happens: a failure is recorded
   * with its status (499 when the client left first) and rethrown for the edge to render.
   */
  private async settled(
    client: ClientConnection,
    facts: RequestFacts,
    work: (tracked: TrackedRequest, connection: ClientConnection) => Promise<WholeAnswer | undefined>,
  ): Promise<WholeAnswer | undefined> {
    const tracked = trackRequest(this.services, facts, (cost, request) => {
      if (request.model && !client.headersSent) client.setHeader(CREDITS_USED_HEADER, formatMicros(cost));
    });
    // The request's own signal: the client leaving, its total deadline, or a shutdown past its deadline.
    // A deadline or shutdown aborts with the GatewayError the client is to get (undici rejects with the reason).
    const controller = new AbortController();
    const onClientGone = () => controller.abort(client.signal.reason);
    client.signal.addEventListener('abort', onClientGone, { once: true });
    const deadline = setTimeout(() => controller.abort(GATEWAY_ERRORS.deadlineExceeded(this.services.totalTimeoutMs)), this.services.totalTimeoutMs);
    this.inFlight.add(controller);
    const connection: ClientConnection = {
      signal: controller.signal,
      setHeader: (name, value) => client.setHeader(name, value),
      get headersSent() {
        return client.headersSent;
      },
      openStream: (headers) => client.openStream(headers),
    };
    try {
      return await work(tracked, connection);
    } catch (thrown) {
      const reason: unknown = controller.signal.reason;
      const error = !client.signal.aborted && controller.signal.aborted && reason instanceof GatewayError ? reason : thrown;
      if (client.signal.aborted) tracked.finish(499, { errorCode: 'client_closed_request' });
      else tracked.finish(error instanceof GatewayError ? error.status : 500, { errorCode: error instanceof GatewayError ? error.code : 'internal_error' });
      throw error;
    } finally {
      clearTimeout(deadline);
      client.signal.removeEventListener('abort', onClientGone);
      this.inFlight.delete(controller);
      tracked.dispose();
    }
  }
}
