import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { UsageRecorder } from '../usage/usage-recorder.ts';
import type { AdmissionCounters, AdmissionRefusal, AdmissionTicket } from './admission-counters.ts';
import { monthStart } from './month-of.ts';

/** How often balances are read again from the store, for top-ups written by another process (the CLI). */
const BALANCE_REFRESH_INTERVAL_MS = 5_000;

interface KeyState {
  slots: number;
  reserved: number;
  /** Spend as of the store plus this process's debits since; loaded when the key first meets a budget. */
  spend?: { lifetime: number; month: string; monthly: number };
  loading?: Promise<void>;
}

/**
 * Admission counters of a single instance, in this process's memory: balances loaded from the store
 * at start and every 5 s (the store's ledger less the debits still queued for it), kept current by
 * this process's own debits and top-ups at once. Checks and takes happen in one synchronous step,
 * so concurrent requests cannot both take the last credit.
 */
export class MemoryAdmissionCounters implements AdmissionCounters {
  private balances = new Map<string, number>();
  private readonly reserved = new Map<string, number>();
  private readonly organizationSlots = new Map<string, number>();
  private readonly keys = new Map<string, KeyState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly usage: UsageRecorder,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((error: unknown) => this.logger.error({ err: error }, 'could not refresh credit balances')), BALANCE_REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }

  async admit(ticket: AdmissionTicket): Promise<AdmissionRefusal | undefined> {
    const key = this.keyState(ticket.apiKeyId);
    if (ticket.lifetimeBudget !== undefined || ticket.monthlyBudget !== undefined) await this.loadSpend(key, ticket);
    // From here on, no await: the checks and the takes are one step.
    if (ticket.organizationConcurrency !== undefined && (this.organizationSlots.get(ticket.organizationId) ?? 0) >= ticket.organizationConcurrency) return 'organization_concurrency';
    if (ticket.keyConcurrency !== undefined && key.slots >= ticket.keyConcurrency) return 'key_concurrency';
    if (ticket.enforceBalance && (this.balances.get(ticket.organizationId) ?? 0) - (this.reserved.get(ticket.organizationId) ?? 0) <= 0) return 'balance';
    if (ticket.lifetimeBudget !== undefined && ticket.lifetimeBudget - key.spend!.lifetime - key.reserved <= 0) return 'lifetime_budget';
    if (ticket.monthlyBudget !== undefined && ticket.monthlyBudget - key.spend!.monthly - key.reserved <= 0) return 'monthly_budget';
    add(this.organizationSlots, ticket.organizationId, 1);
    add(this.reserved, ticket.organizationId, ticket.reservation);
    key.slots += 1;
    key.reserved += ticket.reservation;
    return undefined;
  }

  async settle(ticket: AdmissionTicket, cost: number): Promise<void> {
    add(this.organizationSlots, ticket.organizationId, -1);
    add(this.reserved, ticket.organizationId, -ticket.reservation);
    const key = this.keyState(ticket.apiKeyId);
    key.slots -= 1;
    key.reserved -= ticket.reservation;
    await this.charge(ticket.organizationId, ticket.apiKeyId, ticket.month, cost);
  }

  async charge(organizationId: string, apiKeyId: string, month: string, cost: number): Promise<void> {
    if (cost === 0) return;
    add(this.balances, organizationId, -cost);
    const spend = this.keys.get(apiKeyId)?.spend;
    if (!spend) return;
    spend.lifetime += cost;
    if (spend.month === month) spend.monthly += cost;
  }

  /** A ledger entry was just written by this process: reading the store again takes it in exactly once. */
  async credit(): Promise<void> {
    await this.refresh();
  }

  async balance(organizationId: string): Promise<number> {
    return this.balances.get(organizationId) ?? 0;
  }

  /** The store's balances less the debits still queued for it, read while no flush runs so each debit counts once. */
  private refresh(): Promise<void> {
    return this.usage.exclusive(async () => {
      const balances = await this.store.listBalances();
      for (const [organizationId, unflushed] of this.usage.unflushedDebits()) balances.set(organizationId, (balances.get(organizationId) ?? 0) + unflushed);
      this.balances = balances;
    });
  }

  private keyState(apiKeyId: string): KeyState {
    let state = this.keys.get(apiKeyId);
    if (!state) {
      state = { slots: 0, reserved: 0 };
      this.keys.set(apiKeyId, state);
    }
    return state;
  }

  /** Reads a key's spend from the store the first time it meets a budget, and again when a new month begins. */
  private async loadSpend(key: KeyState, ticket: AdmissionTicket): Promise<void> {
    while (key.spend?.month !== ticket.month) {
      key.loading ??= this.store
        .keySpend(ticket.apiKeyId, monthStart(ticket.month))
        .then((spend) => {
          key.spend = { lifetime: spend.lifetime, month: ticket.month, monthly: spend.sinceStart };
        })
        .finally(() => {
          key.loading = undefined;
        });
      await key.loading;
    }
  }
}

function add(map: Map<string, number>, id: string, amount: number): void {
  const next = (map.get(id) ?? 0) + amount;
  if (next === 0) map.delete(id);
  else map.set(id, next);
}
