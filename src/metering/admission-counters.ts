/**
 * One request's claim on its organization and key while it runs: a concurrency slot and a credit
 * reservation, checked against the limits in one atomic step.
 */
export interface AdmissionTicket {
  requestId: string;
  organizationId: string;
  apiKeyId: string;
  /** Micro-credits reserved: the most the request can cost (bound-request-cost.ts). */
  reservation: number;
  /** Refuse when the organization's balance, less what requests in flight reserved, is not above zero. */
  enforceBalance: boolean;
  /** Key budgets in micro-credits; undefined means none. */
  lifetimeBudget?: number;
  monthlyBudget?: number;
  /** The calendar month (UTC, `YYYY-MM`) the monthly budget counts. */
  month: string;
  keyConcurrency?: number;
  organizationConcurrency?: number;
}

export type AdmissionRefusal = 'balance' | 'lifetime_budget' | 'monthly_budget' | 'key_concurrency' | 'organization_concurrency';

/**
 * Where balances, key spend, reservations and concurrency slots live: this process's memory
 * (memory-admission-counters.ts) or Redis shared by every instance (redis-admission-counters.ts).
 * Neither touches the database on the request path; both load what they need from the store once.
 */
export interface AdmissionCounters {
  /** Loads balances and starts background refreshes. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Checks every limit of the ticket and, only when all pass, takes its slot and reservation. */
  admit(ticket: AdmissionTicket): Promise<AdmissionRefusal | undefined>;
  /** Ends an admitted request: frees its slot and reservation and charges `cost` to its organization and key. */
  settle(ticket: AdmissionTicket, cost: number): Promise<void>;
  /** Charges a request that was never admitted (a background response's tokens, recorded by a later poll). */
  charge(organizationId: string, apiKeyId: string, month: string, cost: number): Promise<void>;
  /** Applies ledger entries this process has just written (top-ups, adjustments). */
  credit(organizationId: string, amount: number): Promise<void>;
  /** The organization's balance in micro-credits: its ledger, debits not yet flushed included. */
  balance(organizationId: string): Promise<number>;
}
