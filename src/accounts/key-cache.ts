import { setTimeout as pause } from 'node:timers/promises';
import type { AuthenticatedKey, Store } from '../store/store.ts';
import { hashApiKey } from './api-key-secret.ts';
import type { KeyChangeChannel } from './key-change-channel.ts';

const REFRESH_INTERVAL_MS = 1_000;
/** At most one store look-up per this many ms for keys the cache does not know (new keys made by another process). */
const MISS_REFRESH_MIN_INTERVAL_MS = 100;

/**
 * Every key of the store, in memory, so authentication never waits on the database. The cache
 * follows the store's key version counter: it polls for changed keys every second (keys made or
 * revoked by the CLI or another instance) and, at most ten times a second, when it meets a key it
 * does not know. Changes made through this process (the admin API) apply at once: the service
 * that makes them awaits `sync()`. An expired key is refused like a revoked one.
 */
export class KeyCache {
  private readonly byHash = new Map<string, AuthenticatedKey>();
  private version = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private pendingMissRefresh: Promise<void> | undefined;
  private lastMissRefreshAt = 0;

  /**
   * @param changes when instances share a Redis: `sync()` announces this process's changes on it,
   * and, once started, every announcement (any instance's) reloads this cache at once.
   */
  constructor(
    private readonly store: Store,
    private readonly changes?: KeyChangeChannel,
  ) {}

  async start(): Promise<void> {
    this.changes?.subscribe(() => void this.catchUp().catch(() => undefined));
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The active key for this secret, or undefined (unknown, revoked, expired). */
  async authenticate(secret: string): Promise<AuthenticatedKey | undefined> {
    const hash = hashApiKey(secret);
    let key = this.byHash.get(hash);
    if (!key) {
      await this.refreshForUnknownKey();
      key = this.byHash.get(hash);
    }
    // Found by its hash: the secret is right (a second comparison of the same hash would prove nothing).
    if (!key) return undefined;
    if (key.revokedAt || (key.expiresAt !== null && Date.parse(key.expiresAt) <= Date.now())) return undefined;
    return key;
  }

  /**
   * Loads every change committed before this call. A refresh already under way may have read
   * before the change was written, so it is waited for and followed by a fresh one: what a change
   * made through this process awaits before it answers, so the very next request sees it. With
   * REDIS_URL the change is announced too, and the other instances reload at once.
   */
  async sync(): Promise<void> {
    await this.catchUp();
    this.changes?.publish();
  }

  /** `sync()` without announcing: for reloads that are not this process's own changes. */
  private async catchUp(): Promise<void> {
    await this.refreshing?.catch(() => undefined);
    await this.refresh();
  }

  /** Applies a change made by this process without waiting for the next poll. */
  apply(key: AuthenticatedKey): void {
    this.byHash.set(key.hash, key);
  }

  /** Loads keys changed since the last refresh; concurrent callers share one round trip. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
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

  /**
   * A key the cache does not know may have been made a moment ago by another process (the CLI),
   * so the store is asked again, after any refresh under way. Every unknown key presented in the
   * meantime shares that look-up, and look-ups start at most ten times a second, however many
   * unknown keys arrive: a caller may wait up to 100 ms rather than be refused a key just made.
   */
  private refreshForUnknownKey(): Promise<void> {
    if (this.pendingMissRefresh) return this.pendingMissRefresh;
    const startAt = Math.max(Date.now(), this.lastMissRefreshAt + MISS_REFRESH_MIN_INTERVAL_MS);
    this.lastMissRefreshAt = startAt;
    const pending = pause(startAt - Date.now()).then(() => {
      // From here on the look-up may already have read: later unknown keys wait for the next one.
      this.pendingMissRefresh = undefined;
      return this.catchUp();
    });
    this.pendingMissRefresh = pending;
    return pending;
  }
}
