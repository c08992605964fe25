import { timingSafeEqual } from 'node:crypto';
import type { AuthenticatedKey, Store } from '../store/store.ts';
import { hashApiKey } from './api-key-secret.ts';

const REFRESH_INTERVAL_MS = 1_000;
/** At most one store look-up per this many ms for keys the cache does not know (new keys made by another process). */
const MISS_REFRESH_MIN_INTERVAL_MS = 100;

/**
 * Every key of the store, in memory, so authentication never waits on the database. The cache
 * follows the store's key version counter: it polls for changed keys every second (keys made or
 * revoked by the CLI or another instance) and, at most ten times a second, when it meets a key it
 * does not know. Revocations made through this process apply at once.
 */
export class KeyCache {
  private readonly byHash = new Map<string, AuthenticatedKey>();
  private version = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private lastRefreshAt = 0;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The active key for this secret, or undefined (unknown, revoked). */
  async authenticate(secret: string): Promise<AuthenticatedKey | undefined> {
    const hash = hashApiKey(secret);
    let key = this.byHash.get(hash);
    if (!key && Date.now() - this.lastRefreshAt >= MISS_REFRESH_MIN_INTERVAL_MS) {
      await this.refresh();
      key = this.byHash.get(hash);
    }
    if (!key || !timingSafeEqual(Buffer.from(key.hash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
    return key.revokedAt ? undefined : key;
  }

  /** Applies a change made by this process without waiting for the next poll. */
  apply(key: AuthenticatedKey): void {
    this.byHash.set(key.hash, key);
  }

  /** Loads keys changed since the last refresh; concurrent callers share one round trip. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        this.lastRefreshAt = Date.now();
        for (const key of await this.store.listApiKeysChangedSince(this.version)) {
          this.byHash.set(key.hash, key);
          this.version = Math.max(this.version, key.version);
        }
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }
}
