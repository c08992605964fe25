import type { Logger } from 'pino';
import type { AuthenticatedKey, ResponseItem, ResponseRecord, ResponseUpdate, ResponseWrite, Store, StoredResponseItem } from '../store/store.ts';

/** How long a lookup that finds nothing waits for another instance's write still in flight, in steps. */
const MISS_RETRY_DELAYS_MS = [100, 200, 400];

/** Writes that may wait for the store; beyond, new ones are dropped (logged). */
const MAX_QUEUED_WRITES = 10_000;

/** Waits before the second and third try of a failed flush. */
const FLUSH_RETRY_DELAYS_MS = [100, 400];

/** How often expired responses are deleted. */
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** How often running background responses are checked for a runner that stopped. */
const STALL_CHECK_INTERVAL_MS = 10_000;

/** A background response whose runner has not stamped its heartbeat for this long (it stamps every second) has lost it. */
export const STALLED_AFTER_MS = 30_000;

/** The error a background response gets when its runner stopped (its instance restarted or died). */
const STALLED_ERROR = { code: 'server_error', message: 'The gateway instance running this background response stopped before it finished. Send the request again.' };

/**
 * The Responses API's stored state, for every model: who created each response and who holds it
 * (its provider, or the gateway for a translated model), and the items that went in and came out,
 * scoped to the organization and kept for the retention period.
 *
 * Writes leave the request path through a batched writer (group commit): writes queue in order,
 * one flush at a time writes everything queued in one transaction, and what queues meanwhile goes
 * in the next — no timer, so a quiet gateway writes at once and a busy one in few, large batches.
 * A failed flush is tried twice more (100 ms, 400 ms), then dropped and logged: the responses it
 * held are not stored (a later reference to them is a 404). At most 10,000 writes wait; beyond
 * that (the store down under load) new ones are dropped the same way. A read first waits for this
 * instance's writes still queued or in flight, so a client that continues at once finds what it
 * just got. A read that finds nothing (another instance may still be writing) looks again a
 * few times within ~0.7 s before answering not found. Reads happen only when a request names
 * stored state (`previous_response_id`, `item_reference`, retrieve): the one store read allowed on
 * the hot path.
 */
export class StoredResponses {
  /** Writes queued or in flight, per response id, with its organization: settled once its batch is. */
  private readonly pending = new Map<string, { organizationId: string; write: Promise<void> }>();
  /** Writes waiting for the next flush, and the promise that flush settles. */
  private queue: ResponseWrite[] = [];
  private nextBatch: { done: Promise<void>; settle: () => void } | undefined;
  private flushing = false;
  private sweeper: NodeJS.Timeout | undefined;

  private stallCheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    readonly retentionMs: number,
    /** A stored response body as failed with an error (the surface's format). */
    private readonly failedBody: (body: string | null, error: { code: string; message: string }) => string | null,
  ) {}

  /** Remembers a response and its items, off the request path. */
  record(record: Omit<ResponseRecord, 'expiresAt'>, items: ResponseItem[] = []): void {
    this.enqueue(record.id, record.organizationId, { kind: 'insert', record: { ...record, expiresAt: record.createdAt + this.retentionMs }, items });
  }

  /** Adds items to a response already recorded (a passed-through response's output), off the request path. */
  addItems(id: string, organizationId: string, items: ResponseItem[]): void {
    if (items.length > 0) this.enqueue(id, organizationId, { kind: 'items', responseId: id, organizationId, items });
  }

  /** Changes a gateway-held response; `whileStatusIn`: only while its status is one of those. */
  async update(id: string, fields: ResponseUpdate, whileStatusIn?: string[]): Promise<boolean> {
    await this.pending.get(id)?.write;
    return this.store.updateResponse(id, fields, whileStatusIn);
  }

  /** The response's record when this principal's organization created it and it has not expired; undefined otherwise, whoever else did. */
  async find(id: string, principal: AuthenticatedKey): Promise<ResponseRecord | undefined> {
    const read = async () => {
      await this.pending.get(id)?.write;
      const record = await this.store.findResponseRecord(id);
      return record?.organizationId === principal.organizationId && record.expiresAt > Date.now() ? record : undefined;
    };
    return this.retryOnMiss(read, (record) => record !== undefined);
  }

  /** The organization's stored items with these ids. */
  async findItems(principal: AuthenticatedKey, itemIds: string[]): Promise<StoredResponseItem[]> {
    const read = async () => {
      await this.writesOf(principal.organizationId);
      return this.store.findResponseItems(principal.organizationId, itemIds);
    };
    return this.retryOnMiss(read, (items) => new Set(items.map((item) => item.itemId)).size === new Set(itemIds).size);
  }

  /** Every item of a response and of those it continues, oldest first. */
  async context(principal: AuthenticatedKey, id: string): Promise<StoredResponseItem[]> {
    await this.writesOf(principal.organizationId);
    return this.store.listResponseContext(principal.organizationId, id);
  }

  async delete(id: string): Promise<void> {
    await this.pending.get(id)?.write;
    await this.store.deleteResponse(id);
  }

  /** True for the one call that records the finished response's tokens. */
  async claimUsage(id: string): Promise<boolean> {
    await this.pending.get(id)?.write;
    return this.store.markResponseUsageRecorded(id, Date.now());
  }

  listStalled(heartbeatBefore: number): Promise<ResponseRecord[]> {
    return this.store.listStalledResponses(heartbeatBefore);
  }

  /**
   * Marks failed, with a readable error, every background response whose runner stopped stamping
   * its heartbeat (an instance that restarted or died): at start and every 10 s, from any instance.
   */
  async failStalledRuns(now = Date.now()): Promise<number> {
    let failed = 0;
    for (const record of await this.store.listStalledResponses(now - STALLED_AFTER_MS)) {
      if (await this.store.updateResponse(record.id, { status: 'failed', body: this.failedBody(record.body, STALLED_ERROR) }, ['queued', 'in_progress'])) failed += 1;
    }
    if (failed > 0) this.logger.warn({ failed }, 'marked failed the background responses whose instance stopped');
    return failed;
  }

  /** Deletes expired responses now and every hour, and fails stalled background runs every 10 s; a failed sweep is logged and tried at the next. */
  startSweeping(): void {
    const checkStalled = () => this.failStalledRuns().catch((error: unknown) => this.logger.warn({ err: error }, 'could not check background responses for stalled runs'));
    void checkStalled();
    this.stallCheck = setInterval(checkStalled, STALL_CHECK_INTERVAL_MS);
    this.stallCheck.unref();
    const sweep = () =>
      this.store
        .deleteExpiredResponses(Date.now())
        .then((deleted) => deleted > 0 && this.logger.info({ deleted }, 'deleted expired stored responses'))
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not delete expired stored responses'));
    void sweep();
    this.sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Stops sweeping and waits for the writes queued and in flight. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.stallCheck);
    await this.flush();
    await Promise.all([...this.pending.values()].map((entry) => entry.write));
  }

  private enqueue(id: string, organizationId: string, write: ResponseWrite): void {
    if (this.queue.length >= MAX_QUEUED_WRITES) {
      this.logger.error({ responseId: id, queued: this.queue.length }, 'could not store a response: too many writes wait for the store');
      return;
    }
    this.queue.push(write);
    if (!this.nextBatch) {
      let settle = () => {};
      const done = new Promise<void>((resolve) => (settle = resolve));
      this.nextBatch = { done, settle };
    }
    this.pending.set(id, { organizationId, write: this.nextBatch.done });
    if (!this.flushing) queueMicrotask(() => void this.flush());
  }

  /** Writes what is queued in one transaction, then what queued meanwhile, until the queue is empty. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const writes = this.queue;
        const batch = this.nextBatch!;
        this.queue = [];
        this.nextBatch = undefined;
        await this.writeWithRetries(writes);
        for (const [id, entry] of this.pending) if (entry.write === batch.done) this.pending.delete(id);
        batch.settle();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeWithRetries(writes: ResponseWrite[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.store.writeResponses(writes);
        return;
      } catch (error) {
        if (attempt >= FLUSH_RETRY_DELAYS_MS.length) {
          this.logger.error({ err: error, writes: writes.length }, 'could not store responses: dropped after retries');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, FLUSH_RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  private async writesOf(organizationId: string): Promise<void> {
    await Promise.all([...this.pending.values()].filter((entry) => entry.organizationId === organizationId).map((entry) => entry.write));
  }

  private async retryOnMiss<T>(read: () => Promise<T>, found: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (const delay of MISS_RETRY_DELAYS_MS) {
      if (found(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, delay));
      value = await read();
    }
    return value;
  }
}
