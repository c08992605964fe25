import type { Chatbot } from '../store/store.ts';

/** How long a chatbot read from the store is served from memory before it is read again. */
const FRESH_MS = 2_000;
/** Chatbots kept at most (the least recently used go first): a bound on memory, whatever ids clients send. */
const MAX_ENTRIES = 1_000;

interface Entry {
  /** Undefined: no chatbot has this id (ids are random, so a miss stays a miss). */
  chatbot: Chatbot | undefined;
  loadedAt: number;
}

/**
 * Chatbots by id, in memory, so a chatbot request costs no store round trip while its preset is
 * fresh: each is read at most once every two seconds per instance (one indexed read), misses
 * included, and concurrent requests for the same id share one read. Changes made through this
 * process apply at once (`set`, `forget`); another instance's (or the CLI's) within two seconds.
 * When the store fails, a stale preset is served rather than failing the request.
 *
 * A change feed like the key cache's (a version counter polled every second) would bound
 * staleness the same way but cost every instance a poll forever; presets change rarely and only
 * the ones in use are worth holding.
 */
export class ChatbotCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Chatbot | undefined>>();
  /** Grows with every change made through this process: a read that started before one is not kept. */
  private changes = 0;

  constructor(
    private readonly load: (id: string) => Promise<Chatbot | undefined>,
    private readonly options: { freshMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  get(id: string): Promise<Chatbot | undefined> {
    const entry = this.entries.get(id);
    if (entry && this.now() - entry.loadedAt < (this.options.freshMs ?? FRESH_MS)) {
      this.remember(id, entry);
      return Promise.resolve(entry.chatbot);
    }
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.read(id, entry).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  /** A chatbot created or changed through this process. */
  set(chatbot: Chatbot): void {
    this.changes += 1;
    this.remember(chatbot.id, { chatbot, loadedAt: this.now() });
  }

  /** A chatbot deleted through this process. */
  forget(id: string): void {
    this.changes += 1;
    this.remember(id, { chatbot: undefined, loadedAt: this.now() });
  }

  private async read(id: string, stale: Entry | undefined): Promise<Chatbot | undefined> {
    const changes = this.changes;
    let chatbot: Chatbot | undefined;
    try {
      chatbot = await this.load(id);
    } catch (error) {
      // The store is down or slow: the last preset read is better than a failed request.
      if (stale) return stale.chatbot;
      throw error;
    }
    if (changes === this.changes) this.remember(id, { chatbot, loadedAt: this.now() });
    return chatbot;
  }

  /** Keeps an entry as the most recently used, dropping the least recently used beyond the bound. */
  private remember(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    const maxEntries = this.options.maxEntries ?? MAX_ENTRIES;
    while (this.entries.size > maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
