import type { UsageRecorder } from '../usage/usage-recorder.ts';
import type { AdmissionRefusal, AdmissionTicket } from './admission-counters.ts';

interface OrganizationShare {
  /** This instance's share of the organization's balance when the outage began (micro-credits). */
  budget: number;
  spent: number;
  reserved: number;
}

/**
 * Credit admission while Redis cannot be reached. Each instance admits on its own counters with a
 * share of each organization's balance: the ledger's balance (read from the store once per
 * organization and outage) divided by the number of instances last seen alive. An organization is
 * admitted while its share less what this instance spent and reserved since is above zero, so
 * across all instances the spending during an outage stays within the balance plus one
 * reservation per instance: the stated overdraft bound. Concurrency limits and key budgets are
 * not enforced meanwhile (they need the shared counters); the rate windows have their own
 * in-memory insurance.
 */
export class LocalShareCounters {
  private readonly organizations = new Map<string, Promise<OrganizationShare>>();

  constructor(
    private readonly usage: UsageRecorder,
    /** How many instances share the balances (last seen through Redis); at least 1. */
    private readonly instances: () => number,
  ) {}

  async admit(ticket: AdmissionTicket): Promise<AdmissionRefusal | undefined> {
    if (!ticket.enforceBalance) return undefined;
    const share = await this.shareOf(ticket.organizationId);
    if (share.budget - share.spent - share.reserved <= 0) return 'balance';
    share.reserved += ticket.reservation;
    return undefined;
  }

  async settle(ticket: AdmissionTicket, cost: number): Promise<void> {
    const share = await this.organizations.get(ticket.organizationId);
    if (!share) return;
    if (ticket.enforceBalance) share.reserved -= ticket.reservation;
    share.spent += cost;
  }

  /** A top-up during the outage: this instance's part of it (a share not loaded yet reads it from the ledger). */
  async credit(organizationId: string, amount: number): Promise<void> {
    const share = await this.organizations.get(organizationId)?.catch(() => undefined);
    if (share) share.budget += Math.floor(amount / Math.max(1, this.instances()));
  }

  /** The outage is over: the shared counters are rebuilt from the ledger, and these forgotten. */
  reset(): void {
    this.organizations.clear();
  }

  private shareOf(organizationId: string): Promise<OrganizationShare> {
    let share = this.organizations.get(organizationId);
    if (!share) {
      share = this.usage.ledgerBalance(organizationId).then((balance) => ({ budget: Math.floor(Math.max(0, balance) / Math.max(1, this.instances())), spent: 0, reserved: 0 }));
      this.organizations.set(organizationId, share);
      share.catch(() => this.organizations.delete(organizationId));
    }
    return share;
  }
}
