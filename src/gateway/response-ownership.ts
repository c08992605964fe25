import type { Logger } from 'pino';
import type { AuthenticatedKey, ResponseRecord, Store } from '../store/store.ts';

/**
 * Which organization created which stored response. Written once per create, as soon as the
 * provider names the id, without holding up the relay; a lookup waits for a write still in
 * flight, so a client that polls at once still finds its response.
 */
export class ResponseOwnership {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  record(record: ResponseRecord): void {
    const write = this.store
      .insertResponseRecord(record)
      .catch((error: unknown) => this.logger.error({ err: error, responseId: record.id }, 'could not record the owner of a response'))
      .finally(() => this.pending.delete(record.id));
    this.pending.set(record.id, write);
  }

  /** The response's record when this principal's organization created it; undefined otherwise, whoever else did. */
  async find(id: string, principal: AuthenticatedKey): Promise<ResponseRecord | undefined> {
    await this.pending.get(id);
    const record = await this.store.findResponseRecord(id);
    return record?.organizationId === principal.organizationId ? record : undefined;
  }

  /** True for the one call that records the finished response's tokens. */
  async claimUsage(id: string): Promise<boolean> {
    await this.pending.get(id);
    return this.store.markResponseUsageRecorded(id, Date.now());
  }
}
