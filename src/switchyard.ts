import pino, { type Logger } from 'pino';
import { SECRET_SAFE_LOG_OPTIONS } from './core/secret-safe-log-options.ts';
import { openAccountServices, type AccountServices } from './account-services.ts';
import type { SwitchyardConfig } from './config/load-config.ts';
import { BreakerChannel } from './gateway/breaker-channel.ts';
import { ChatService } from './gateway/chat-service.ts';
import { ModelRequestPipeline } from './gateway/model-request-pipeline.ts';
import { ProviderShares } from './gateway/provider-shares.ts';
import { RetryBudgets } from './gateway/retry-budget.ts';
import { failedResponseBody } from './dialects/openai-responses/start-background-run.ts';
import { StoredResponses } from './gateway/stored-responses.ts';
import { VideoJobs } from './gateway/video-jobs.ts';
import { videoApiOf } from './dialects/openai-videos/video-provider-api.ts';
import { trackRequest } from './metering/track-request.ts';
import { randomUUID } from 'node:crypto';
import { AdmissionService } from './metering/admission-service.ts';
import { RateWindows } from './metering/rate-windows.ts';
import { PrimaryRateWindows } from './metering/primary-rate-windows.ts';
import type { ProviderAdapter } from './providers/provider-adapter.ts';
import { createProviderAdapters } from './providers/provider-registry.ts';
import { UpstreamClient } from './providers/upstream-client.ts';
import { GatewayMetrics } from './observability/gateway-metrics.ts';
import type { GatewayTracer } from './observability/gateway-tracer.ts';
import { RequestLogRetention } from './usage/request-log-retention.ts';

/**
 * The service layer, wired once and shared by the HTTP server and the CLI: store, catalog,
 * accounts, usage and provider adapters. Nothing here knows about Fastify.
 */
export interface Switchyard extends AccountServices {
  adapters: Map<string, ProviderAdapter>;
  chat: ChatService;
  /** Every model-calling request runs through it, whatever its surface (gateway/model-request-pipeline.ts). */
  pipeline: ModelRequestPipeline;
  /** The Responses API's stored state for every model: who created each response, who holds it, its items. */
  storedResponses: StoredResponses;
  /** The video jobs this instance follows until they end and are billed (`/v1/videos`). */
  videoJobs: VideoJobs;
  /** The admit phase of model requests: model allow-lists, rate and concurrency limits, credit reservations. */
  admission: AdmissionService;
  /** Prometheus metrics (`GET /metrics`). */
  metrics: GatewayMetrics;
  /** OpenTelemetry traces, exported over OTLP; undefined when no OTLP endpoint is configured (then no span is ever made). */
  tracer: GatewayTracer | undefined;
  /** Whether the store answers a ping within a second: a probe must not hang on a blackholed database. */
  storeAnswers(): Promise<boolean>;
}

/** Log lines are written in batches of this many bytes, or every LOG_FLUSH_INTERVAL_MS. */
const LOG_BATCH_BYTES = 8 * 1024;
const LOG_FLUSH_INTERVAL_MS = 100;

/** How long readiness and the metrics wait for the store. */
const STORE_PING_TIMEOUT_MS = 1_000;

export async function createSwitchyard(config: SwitchyardConfig, options: { logger?: Logger; clusterWorker?: boolean } = {}): Promise<Switchyard> {
  // Buffered, asynchronous log writes: a log line must not cost a request a system call. Lines are
  // written once 8 KiB gathered, or every 100 ms: a write per line (a thread-pool write each)
  // cost a tenth of the hot path under load. flushSync at close writes what is left.
  const destination = options.logger ? undefined : pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
  const logger = options.logger ?? pino({ level: config.logLevel, ...SECRET_SAFE_LOG_OPTIONS }, destination);
  const accountServices = await openAccountServices(config, logger, { clusterWorker: options.clusterWorker });
  const { catalog, store, usage, counters, redis, redisHealth } = accountServices;
  const upstreamClient = new UpstreamClient({ ...config.timeouts, maxResponseBytes: config.maxUpstreamResponseBytes, connectionsPerOrigin: config.connectionsPerProvider });
  let pipeline: ModelRequestPipeline | undefined;
  const storeAnswers = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STORE_PING_TIMEOUT_MS)));
    try {
      return await Promise.race([store.ping().then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const metrics = new GatewayMetrics({
    knownModel: (id) => catalog.find(id) !== undefined,
    inFlight: () => pipeline?.inFlightCount ?? 0,
    dependencies: async () => ({ store: await storeAnswers(), ...(redisHealth && { redis: !redisHealth.down }) }),
  });
  // Loaded only when tracing is on: with it off, the OpenTelemetry SDK is never even imported.
  const tracer = config.tracing ? new (await import('./observability/gateway-tracer.ts')).GatewayTracer(config.tracing, logger) : undefined;
  const adapters = createProviderAdapters(config, upstreamClient, (provider, deployment, kind) => metrics.observeUpstreamError(provider, deployment, kind));
  const chat = new ChatService(catalog, adapters);
  const breakerChannel = redis ? new BreakerChannel(redis, config.redisPrefix, logger) : undefined;
  const storedResponses = new StoredResponses(store, logger, config.responseRetentionDays * 24 * 60 * 60 * 1000, failedResponseBody);
  const requestLogRetention = new RequestLogRetention(store, logger, config.requestLogRetentionDays || undefined);
  // A worker without Redis asks the primary, which counts every worker's windows; otherwise this instance's memory, or Redis.
  const rateWindows = accountServices.primary ? new PrimaryRateWindows(accountServices.primary, logger) : new RateWindows({ redis, redisHealth, prefix: config.redisPrefix, logger });
  const admission = new AdmissionService(counters, rateWindows, { metering: config.metering, logger });
  pipeline = new ModelRequestPipeline({ chat, catalog, adapters, admission, usage, metrics, tracer, maxRetries: config.maxRetries, totalTimeoutMs: config.timeouts.totalMs, providerTotalTimeoutMs: (provider) => config.providers[provider]?.totalTimeoutMs, providerShares: new ProviderShares({ connectionsPerProvider: config.connectionsPerProvider, share: config.organizationShareOfProvider }), retryBudgets: new RetryBudgets(config.retryBudget) });
  const videoJobs = new VideoJobs(
    store,
    {
      poll(job, signal) {
        const adapter = adapters.get(job.provider);
        const model = catalog.find(job.model);
        if (!adapter || !model) throw new Error(`the provider or model of video job ${job.id} is no longer configured`);
        return videoApiOf(adapter).poll(adapter, job, model, signal);
      },
      track(job, principal) {
        const model = catalog.find(job.model);
        if (!model) return undefined;
        const tracked = trackRequest({ admission, usage, metrics }, { requestId: job.requestId, principal, surface: 'openai-videos', model: job.model, streamed: false, logger: logger.child({ reqId: job.requestId }) });
        Object.assign(tracked, { model, provider: job.provider, deployment: job.deployment ?? undefined });
        return tracked;
      },
    },
    logger,
    // Each process follows its own jobs: a restarted one is a new owner, and takes its old jobs over like any other's.
    { owner: randomUUID(), pollIntervalMs: config.videoPollIntervalMs },
  );
  return {
    ...accountServices,
    adapters,
    videoJobs,
    chat,
    pipeline,
    metrics,
    tracer,
    storeAnswers,
    storedResponses,
    async start() {
      await accountServices.start();
      storedResponses.startSweeping();
      videoJobs.start();
      requestLogRetention.start();
      breakerChannel?.start(adapters);
    },
    admission,
    async close() {
      requestLogRetention.stop();
      videoJobs.stop();
      await breakerChannel?.close();
      await storedResponses.close();
      await accountServices.close();
      await upstreamClient.close();
      // The last spans, the requests' that just ended, are sent before the process goes.
      await tracer?.shutdown();
      try {
        destination?.flushSync();
      } catch {
        // Not yet open (closed right after start): nothing buffered to lose.
      }
    },
  };
}
