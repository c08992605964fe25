import type { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { AccountService } from './accounts/account-service.ts';
import { KeyCache } from './accounts/key-cache.ts';
import { KeyChangeChannel } from './accounts/key-change-channel.ts';
import { BUILTIN_MODELS } from './catalog/builtin-models.ts';
import { ModelCatalog } from './catalog/model-catalog.ts';
import type { SwitchyardConfig } from './config/load-config.ts';
import { ChatService } from './gateway/chat-service.ts';
import { ModelRequestPipeline } from './gateway/model-request-pipeline.ts';
import { ResponseOwnership } from './gateway/response-ownership.ts';
import type { AdmissionCounters } from './metering/admission-counters.ts';
import { AdmissionService } from './metering/admission-service.ts';
import { CreditService } from './metering/credit-service.ts';
import { MemoryAdmissionCounters } from './metering/memory-admission-counters.ts';
import { RateWindows } from './metering/rate-windows.ts';
import { RedisAdmissionCounters } from './metering/redis-admission-counters.ts';
import type { ProviderAdapter } from './providers/provider-adapter.ts';
import { createProviderAdapters } from './providers/provider-registry.ts';
import { UpstreamClient } from './providers/upstream-client.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import { UsageRecorder } from './usage/usage-recorder.ts';

/**
 * The service layer, wired once and shared by the HTTP server and the CLI: store, catalog,
 * accounts, usage and provider adapters. Nothing here knows about Fastify.
 */
export interface Switchyard {
  config: SwitchyardConfig;
  logger: Logger;
  store: Store;
  catalog: ModelCatalog;
  keyCache: KeyCache;
  accounts: AccountService;
  usage: UsageRecorder;
  adapters: Map<string, ProviderAdapter>;
  chat: ChatService;
  /** Every model-calling request runs through it, whatever its surface (gateway/model-request-pipeline.ts). */
  pipeline: ModelRequestPipeline;
  /** Which organization created each stored response (the Responses surface's retrieve, cancel, delete). */
  responseOwnership: ResponseOwnership;
  /** Credits: top-ups, adjustments and balances (integer micro-credits; 1 credit = 1 USD of provider list price). */
  credits: CreditService;
  /** The admit phase of model requests: model allow-lists, rate and concurrency limits, credit reservations. */
  admission: AdmissionService;
  /** Shared by every instance when REDIS_URL is set: balances, reservations, rate limits, key change announcements. */
  redis: Redis | undefined;
  /** Starts background work (key cache polling, usage flushing). The CLI's one-shot commands skip it. */
  start(): Promise<void>;
  /** Flushes usage and releases connections. */
  close(): Promise<void>;
}

/** Log redaction: no secret (user key, provider key) is ever written to a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.apiKey',
  '*.adminToken',
];

export async function createSwitchyard(config: SwitchyardConfig, options: { logger?: Logger } = {}): Promise<Switchyard> {
  // Buffered, asynchronous log writes: a log line must not cost a request a system call.
  const destination = options.logger ? undefined : pino.destination({ dest: 1, sync: false });
  const logger = options.logger ?? pino({ level: config.logLevel, redact: REDACTED_LOG_PATHS }, destination);
  // The catalog is checked first: a bad models entry fails before any file is created.
  const catalog = new ModelCatalog(BUILTIN_MODELS, config.models);
  const store: Store = openStore(config);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  // ioredis is loaded only when configured: its import alone costs every CLI command ~80 ms.
  // No auto-pipelining: rate-limiter-flexible's own Redis command breaks inside ioredis's automatic
  // pipelines under concurrency ("pipeline[functionName] is not a function"), and the follow-up
  // error escaped as an uncaught exception that ended the process (found by the two-instance scenario).
  const redis = config.redisUrl ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  const keyChanges = redis ? new KeyChangeChannel(redis, config.redisPrefix, logger) : undefined;
  const keyCache = new KeyCache(store, keyChanges);
  const usage = new UsageRecorder(store, logger);
  const counters: AdmissionCounters = redis
    ? new RedisAdmissionCounters(redis, config.redisPrefix, store, usage, logger)
    : new MemoryAdmissionCounters(store, usage, logger);
  const upstreamClient = new UpstreamClient({ timeoutMs: config.upstreamTimeoutMs });
  const adapters = createProviderAdapters(config, upstreamClient);
  const credits = new CreditService(store, counters);
  const chat = new ChatService(catalog, adapters);
  const admission = new AdmissionService(counters, new RateWindows({ redis, prefix: config.redisPrefix, logger }), { metering: config.metering, logger });
  return {
    config,
    logger,
    store,
    catalog,
    keyCache,
    // Top-ups go through the credit service, so the balances requests are admitted against see them at once.
    accounts: new AccountService(store, { keyCache, catalog, credits }),
    usage,
    adapters,
    chat,
    pipeline: new ModelRequestPipeline({ chat, catalog, adapters, admission, usage, maxRetries: config.maxRetries }),
    responseOwnership: new ResponseOwnership(store, logger),
    credits,
    admission,
    redis,
    async start() {
      await keyCache.start();
      await counters.start();
      usage.start();
    },
    async close() {
      keyCache.stop();
      await usage.close();
      await counters.close();
      await keyChanges?.close();
      await redis?.quit().catch(() => undefined);
      await upstreamClient.close();
      await store.close();
      try {
        destination?.flushSync();
      } catch {
        // Not yet open (closed right after start): nothing buffered to lose.
      }
    },
  };
}
