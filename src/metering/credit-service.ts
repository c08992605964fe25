import { generateId } from '../accounts/api-key-secret.ts';
import type { LedgerEntry, Store } from '../store/store.ts';
import type { AdmissionCounters } from './admission-counters.ts';

/**
 * Credits: 1 credit is 1 US dollar of provider list price; every amount is an integer number of
 * micro-credits (1 credit = 1,000,000). An organization's balance is the sum of its ledger —
 * top-ups and adjustments written here, debits written with each request's usage record. Changes
 * made here reach the balances requests are admitted against at once (this instance's memory, or
 * Redis for every instance); the admin API and the CLI top up through this service.
 */
export class CreditService {
  constructor(
    private readonly store: Store,
    private readonly counters: AdmissionCounters,
  ) {}

  /** Adds credit to an organization: a positive `top_up` ledger entry. */
  topUp(organizationId: string, amount: number, reason: string | null = null): Promise<LedgerEntry> {
    if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`A top-up must be a positive whole number of micro-credits (got ${amount})`);
    return this.append({ organizationId, amount, kind: 'top_up', reason });
  }

  /** Corrects a balance either way: an `adjustment` ledger entry, with the reason it was made. */
  adjust(organizationId: string, amount: number, reason: string): Promise<LedgerEntry> {
    if (!Number.isSafeInteger(amount) || amount === 0) throw new RangeError(`An adjustment must be a non-zero whole number of micro-credits (got ${amount})`);
    return this.append({ organizationId, amount, kind: 'adjustment', reason });
  }

  /** The organization's balance in micro-credits, debits of requests not yet flushed to the store included. */
  balance(organizationId: string): Promise<number> {
    return this.counters.balance(organizationId);
  }

  listLedgerEntries(organizationId: string, limit?: number): Promise<LedgerEntry[]> {
    return this.store.listLedgerEntries({ organizationId, limit });
  }

  private async append(fields: Pick<LedgerEntry, 'organizationId' | 'amount' | 'kind' | 'reason'>): Promise<LedgerEntry> {
    const entry: LedgerEntry = { id: generateId('led'), apiKeyId: null, requestId: null, createdAt: new Date().toISOString(), ...fields };
    await this.store.appendLedgerEntries([entry]);
    await this.counters.credit(entry.organizationId, entry.amount);
    return entry;
  }
}
