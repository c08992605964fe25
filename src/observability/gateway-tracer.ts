import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { GatewayError } from '../core/gateway-error.ts';
import type { ObservedRequest } from './gateway-metrics.ts';

/**
 * The GenAI semantic conventions' attribute names. Written out rather than imported: the
 * `incubating` entry of @opentelemetry/semantic-conventions marks every `gen_ai.*` constant
 * deprecated (the conventions moved to their own repository), the names themselves are current.
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** The name `gen_ai.provider.name` replaced; still what older backends read. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
} as const;

/**
 * Provider ids as `gen_ai.provider.name`'s well-known values spell them, where they differ; any
 * other id (openai, anthropic, perplexity, a provider of the operator's own) is used as it is.
 * @see https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-provider-name
 */
const GEN_AI_PROVIDER_NAMES: Readonly<Record<string, string>> = { google: 'gcp.gemini', xai: 'x_ai' };

/** The fields of a request's body that name its output limit, on every surface (chat, Messages, Responses). */
const OUTPUT_LIMIT_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'] as const;

/** Where the spans go: OTLP/HTTP (JSON) at `tracesUrl`, under the resource's `service.name`. */
export interface TracingSettings {
  tracesUrl: string;
  serviceName: string;
}

/** What a request's root span starts from; never a key, a header other than `traceparent`, or a message. */
export interface TracedRequest {
  requestId: string;
  surface: string;
  /** The model id the client asked for. */
  model: string;
  streamed: boolean;
  principal: { id: string; organizationName: string };
}

/** A settled request as its root span records it: the usage record's fields the metrics see too (never its bodies). */
export type SettledRequest = Pick<ObservedRequest, 'model' | 'provider' | 'deployment' | 'status' | 'errorCode' | 'promptTokens' | 'completionTokens' | 'cost'>;

interface TracingLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/**
 * OpenTelemetry traces of model requests, exported over OTLP/HTTP: one root span per request
 * (`chat {model}`, SERVER) with a child span for admission, one per upstream attempt (CLIENT;
 * each retry and failover its own) and one for settlement, carrying the GenAI semantic
 * conventions' attributes and the gateway's own (`switchyard.*`). Built only when an OTLP endpoint
 * is configured (switchyard.ts imports this module only then): otherwise the OpenTelemetry SDK is
 * never loaded and the request path pays one `undefined` check per hook. No global provider, context
 * manager or propagator is registered: each span names its parent explicitly.
 *
 * Spans are batched (the SDK's BatchSpanProcessor: 2,048 spans queued at most, then dropped; sent
 * every 5 s, `OTEL_BSP_*` change it); an export that fails is dropped after the exporter's own
 * retries and 10 s timeout, and logged once until exports succeed again. No span ever carries a
 * key, a header or a prompt or answer.
 */
export class GatewayTracer {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(settings: TracingSettings, logger: TracingLogger, exporter: SpanExporter = new OTLPTraceExporter({ url: settings.tracesUrl })) {
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName }),
      spanProcessors: [new BatchSpanProcessor(loggingFailures(exporter, logger, settings.tracesUrl))],
    });
    this.tracer = this.provider.getTracer('switchyard');
  }

  /**
   * The root span of one request, child of the caller's span when its `traceparent` header names
   * one (W3C Trace Context). `body` gives the request parameters the conventions record (output
   * limit, temperature); nothing else of it is read.
   */
  startRequest(request: TracedRequest, call: { body?: unknown; headers?: Readonly<Record<string, string | string[] | undefined>> }): RequestTrace {
    const parent = call.headers?.traceparent ? this.propagator.extract(ROOT_CONTEXT, call.headers, defaultTextMapGetter) : ROOT_CONTEXT;
    const root = this.tracer.startSpan(
      `chat ${request.model}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [GEN_AI.operationName]: 'chat',
          [GEN_AI.requestModel]: request.model,
          [GEN_AI.requestStream]: request.streamed,
          'switchyard.surface': request.surface,
          'switchyard.request_id': request.requestId,
          'switchyard.api_key_id': request.principal.id,
          'switchyard.organization': request.principal.organizationName,
        },
      },
      parent,
    );
    const parameters = (typeof call.body === 'object' && call.body !== null ? call.body : {}) as Record<string, unknown>;
    const maxTokens = OUTPUT_LIMIT_FIELDS.map((field) => parameters[field]).find((value) => typeof value === 'number');
    if (typeof maxTokens === 'number') root.setAttribute(GEN_AI.requestMaxTokens, maxTokens);
    if (typeof parameters.temperature === 'number') root.setAttribute(GEN_AI.requestTemperature, parameters.temperature);
    return new RequestTrace(this.tracer, root, trace.setSpan(ROOT_CONTEXT, root));
  }

  /** Sends every span ended so far. */
  forceFlush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Sends what is left and stops (the gateway's close). */
  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/** The spans of one request: its root, and the children the pipeline, the balancer and settlement open under it. */
export class RequestTrace {
  private attemptCount = 0;

  constructor(
    private readonly tracer: Tracer,
    private readonly root: Span,
    /** The root as parent: every child names it explicitly, no context manager needed. */
    private readonly context: Context,
  ) {}

  /** The admit phase (limits, reservation); the answer ends it, with the refusal when admission refused. */
  admission(): (refusal?: unknown) => void {
    const span = this.tracer.startSpan('admission', { kind: SpanKind.INTERNAL }, this.context);
    return (refusal) => {
      if (refusal !== undefined) failed(span, refusal);
      span.end();
    };
  }

  /**
   * An observer of the attempts at `model`'s provider (providers/provider-adapter.ts
   * `AttemptObserver`): each attempt at a deployment is a CLIENT span, from the call until the
   * provider's answer is accepted (a stream: its first event), ended with the provider's status
   * or the error the attempt failed with.
   */
  attempts(model: { id: string; provider: string }): (deployment: string) => (outcome: { status?: number; error?: unknown }) => void {
    return (deployment) => {
      this.attemptCount += 1;
      const span = this.tracer.startSpan(
        'upstream attempt',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [GEN_AI.operationName]: 'chat',
            [GEN_AI.requestModel]: model.id,
            ...providerAttributes(model.provider),
            'switchyard.deployment': deployment,
            'switchyard.attempt': this.attemptCount,
          },
        },
        this.context,
      );
      return ({ status, error }) => {
        // The provider's status: a forwarded answer's, or the one a mapped error came from.
        const upstreamStatus = status ?? (error instanceof GatewayError ? error.upstream?.status : undefined);
        if (upstreamStatus !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, upstreamStatus);
        if (error !== undefined) failed(span, error);
        else if (upstreamStatus !== undefined && upstreamStatus >= 400) failed(span, String(upstreamStatus));
        span.end();
      };
    };
  }

  /** The settle phase: its answer, given the settled request, ends it and records the outcome on the root. */
  settlement(): (settled: SettledRequest) => void {
    const span = this.tracer.startSpan('settlement', { kind: SpanKind.INTERNAL }, this.context);
    return (settled) => {
      const root = this.root;
      root.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, settled.status);
      root.setAttribute(GEN_AI.responseModel, settled.model);
      if (settled.provider) root.setAttributes(providerAttributes(settled.provider));
      if (settled.deployment) root.setAttribute('switchyard.deployment', settled.deployment);
      if (settled.promptTokens !== null) root.setAttribute(GEN_AI.inputTokens, settled.promptTokens);
      if (settled.completionTokens !== null) root.setAttribute(GEN_AI.outputTokens, settled.completionTokens);
      root.setAttribute('switchyard.cost_micros', settled.cost);
      if (settled.status >= 400) failed(root, settled.errorCode ?? String(settled.status));
      span.end();
    };
  }

  /** The request is over (its answer written, or it failed). */
  end(): void {
    this.root.end();
  }
}

function providerAttributes(provider: string): { [GEN_AI.providerName]: string; [GEN_AI.system]: string } {
  const name = GEN_AI_PROVIDER_NAMES[provider] ?? provider;
  return { [GEN_AI.providerName]: name, [GEN_AI.system]: name };
}

/** Marks a span failed: ERROR status and `error.type` (a gateway error's code, never its message: a provider's text can echo the prompt). */
function failed(span: Span, error: unknown): void {
  const type = typeof error === 'string' ? error : error instanceof GatewayError ? error.code : error instanceof Error ? error.name : 'unknown';
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/** The exporter, its failures logged: once when exports start failing, once when they succeed again. */
function loggingFailures(exporter: SpanExporter, logger: TracingLogger, tracesUrl: string): SpanExporter {
  let failing = false;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS && !failing) logger.warn({ err: result.error, endpoint: tracesUrl }, 'could not export trace spans: they are dropped until the collector answers');
        else if (result.code === ExportResultCode.SUCCESS && failing) logger.info({ endpoint: tracesUrl }, 'trace spans are exported again');
        failing = result.code !== ExportResultCode.SUCCESS;
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
