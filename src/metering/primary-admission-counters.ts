import type { AdmissionCounters, AdmissionRefusal, AdmissionTicket } from './admission-counters.ts';
import type { PrimaryLink } from '../core/primary-link.ts';

/**
 * The admission counters of a worker of `serve --workers N` without Redis: one owner, the
 * primary, holds every balance, reservation and slot (its MemoryAdmissionCounters), so the
 * overdraft bound is the single instance's across the workers. An admission is one IPC round
 * trip; settling and charging are one-way (the primary takes a worker's messages in order).
 */
export class PrimaryAdmissionCounters implements AdmissionCounters {
  constructor(private readonly primary: PrimaryLink) {}

  async start(): Promise<void> {}

  async close(): Promise<void> {}

  async admit(ticket: AdmissionTicket): Promise<AdmissionRefusal | undefined> {
    return (await this.primary.ask<AdmissionRefusal | null>('counters.admit', ticket)) ?? undefined;
  }

  async settle(ticket: AdmissionTicket, cost: number): Promise<void> {
    this.primary.tell('counters.settle', { ticket, cost });
  }

  async charge(organizationId: string, apiKeyId: string, month: string, cost: number): Promise<void> {
    this.primary.tell('counters.charge', { organizationId, apiKeyId, month, cost });
  }

  credit(organizationId: string, amount: number): Promise<void> {
    return this.primary.ask('counters.credit', { organizationId, amount });
  }

  balance(organizationId: string): Promise<number> {
    return this.primary.ask('counters.balance', organizationId);
  }
}
