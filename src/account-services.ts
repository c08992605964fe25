import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AccountService } from './accounts/account-service.ts';
import { ChatbotService } from './accounts/chatbot-service.ts';
import { KeyCache } from './accounts/key-cache.ts';
import { KeyChangeChannel } from './accounts/key-change-channel.ts';
import { defaultModels } from './catalog/default-models.ts';
import { ModelCatalog } from './catalog/model-catalog.ts';
import type { SwitchyardConfig } from './config/load-config.ts';
import type { AdmissionCounters } from './metering/admission-counters.ts';
import { CreditService } from './metering/credit-service.ts';
import { MemoryAdmissionCounters } from './metering/memory-admission-counters.ts';
import { RedisAdmissionCounters } from './metering/redis-admission-counters.ts';
import { RedisHealth } from './metering/redis-health.ts';
import { openStore } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import { UsageJournal } from './usage/usage-journal.ts';
import { UsageRecorder } from './usage/usage-recorder.ts';
import type { UsageWriter } from './usage/usage-writer.ts';
import { PrimaryAdmissionCounters } from './metering/primary-admission-counters.ts';
import { primaryLink, type PrimaryLink } from './core/primary-link.ts';
import { PrimaryUsageWriter } from './usage/primary-usage-writer.ts';

/**
 * The half of the service layer that organizations, keys and credits need: store, catalog, key
 * cache, usage recorder, balances. What the CLI's one-shot commands open — no provider adapter,
 * HTTP client, pipeline or tokenizer is loaded for them — and what `createSwitchyard` builds on.
 */
export interface AccountServices {
  config: SwitchyardConfig;
  logger: Logger;
  store: Store;
  catalog: ModelCatalog;
  keyCache: KeyCache;
  accounts: AccountService;
  /** Chatbots: organizations' named presets (model, system prompt, parameters, fallbacks), cached for the chatbot route. */
  chatbots: ChatbotService;
  usage: UsageWriter;
  /** Credits: top-ups, adjustments and balances (integer micro-credits; 1 credit = 1 USD of provider list price). */
  credits: CreditService;
  /** Balances, reservations and concurrency slots: in memory, or shared through Redis. */
  counters: AdmissionCounters;
  /** Shared by every instance when REDIS_URL is set: balances, reservations, rate limits, key change announcements. */
  redis: Redis | undefined;
  /** Whether Redis answers; while it does not, metering counts locally (metering/redis-health.ts). */
  redisHealth: RedisHealth | undefined;
  /** A worker of `serve --workers N` without Redis: its line to the primary, which owns the counters, the rate windows and the usage recorder. */
  primary: PrimaryLink | undefined;
  /** Starts background work (key cache polling, usage flushing). The CLI's one-shot commands skip it. */
  start(): Promise<void>;
  /** Flushes usage and releases connections. */
  close(): Promise<void>;
}

export async function openAccountServices(
  config: SwitchyardConfig,
  logger: Logger,
  /** `clusterWorker`: this process is a worker of `serve --workers N` (server/cluster/). */
  options: { clusterWorker?: boolean } = {},
): Promise<AccountServices> {
  // The catalog is checked first: a bad models entry fails before any file is created.
  const catalog = new ModelCatalog(defaultModels().models, config.models);
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
  // Every command has a deadline: a hung Redis must not hold requests (redis-health.ts takes over).
  const redis = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: config.redisTimeoutMs, connectTimeout: config.redisTimeoutMs })
    : undefined;
  // A connection error is also the error of the commands it fails, which RedisHealth reports once per outage; ioredis would print each to stderr without a listener.
  redis?.on('error', (error: unknown) => logger.debug({ err: error }, 'Redis connection error'));
  const redisHealth = redis ? new RedisHealth(redis, logger) : undefined;
  const keyChanges = redis ? new KeyChangeChannel(redis, config.redisPrefix, logger) : undefined;
  const keyCache = new KeyCache(store, keyChanges);
  // A worker of `serve --workers N` without Redis hands its usage and admissions to the primary, their one owner.
  const primary = options.clusterWorker && !redis ? primaryLink() : undefined;
  // Usage the store could not take waits on local disk (the data folder), across crashes too.
  const journal = new UsageJournal(join(config.dataDir, 'usage-journal'));
  const recorder = primary ? undefined : new UsageRecorder(store, logger, journal);
  const usage: UsageWriter = primary ? new PrimaryUsageWriter(primary, journal) : recorder!;
  const counters: AdmissionCounters = primary
    ? new PrimaryAdmissionCounters(primary)
    : redis
      ? new RedisAdmissionCounters(redis, config.redisPrefix, store, recorder!, redisHealth!)
      : new MemoryAdmissionCounters(store, recorder!, logger);
  const credits = new CreditService(store, counters);
  // Top-ups go through the credit service, so the balances requests are admitted against see them at once.
  const accounts = new AccountService(store, { keyCache, catalog, credits });
  return {
    config,
    logger,
    store,
    catalog,
    keyCache,
    accounts,
    chatbots: new ChatbotService(store, accounts, catalog),
    usage,
    credits,
    counters,
    redis,
    redisHealth,
    primary,
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
      await store.close();
    },
  };
}
