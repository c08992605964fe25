import pino, { type Logger } from 'pino';
import { AccountService } from './accounts/account-service.ts';
import { KeyCache } from './accounts/key-cache.ts';
import { BUILTIN_MODELS } from './catalog/builtin-models.ts';
import { ModelCatalog } from './catalog/model-catalog.ts';
import type { SwitchyardConfig } from './config/load-config.ts';
import { ChatService } from './gateway/chat-service.ts';
import type { ProviderAdapter } from './providers/provider-adapter.ts';
import { createProviderAdapters } from './providers/provider-registry.ts';
import { UpstreamClient } from './providers/upstream-client.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';
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
];

export async function createSwitchyard(config: SwitchyardConfig, options: { logger?: Logger } = {}): Promise<Switchyard> {
  // Buffered, asynchronous log writes: a log line must not cost a request a system call.
  const destination = options.logger ? undefined : pino.destination({ dest: 1, sync: false });
  const logger = options.logger ?? pino({ level: config.logLevel, redact: REDACTED_LOG_PATHS }, destination);
  // The catalog is checked first: a bad models entry fails before any file is created.
  const catalog = new ModelCatalog(BUILTIN_MODELS, config.models);
  const store: Store = new SqliteStore(config.dataDir);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  const keyCache = new KeyCache(store);
  const usage = new UsageRecorder(store, logger);
  const upstreamClient = new UpstreamClient({ timeoutMs: config.upstreamTimeoutMs });
  const adapters = createProviderAdapters(config, upstreamClient);
  return {
    config,
    logger,
    store,
    catalog,
    keyCache,
    accounts: new AccountService(store, keyCache),
    usage,
    adapters,
    chat: new ChatService(catalog, adapters),
    async start() {
      await keyCache.start();
      usage.start();
    },
    async close() {
      keyCache.stop();
      await usage.close();
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
