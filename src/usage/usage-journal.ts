import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LedgerEntry, UsageRecord } from '../store/store.ts';

export interface JournaledUsage {
  record: UsageRecord;
  debit?: LedgerEntry;
}

/**
 * Usage records and debits the store could not take, kept on local disk until it can: one JSON
 * line each, appended and fsynced only while the store is failing (never on the normal path), read
 * back when the gateway starts (after a crash during an outage too), and removed once everything in
 * it was written. Replaying is safe: the store ignores a request it already has.
 */
export class UsageJournal {
  constructor(private readonly path: string) {}

  append(entries: JournaledUsage[]): void {
    if (entries.length === 0) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const descriptor = openSync(this.path, 'a');
    try {
      writeSync(descriptor, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  }

  /** What an earlier run left; a line cut short by a crash is skipped. */
  read(): JournaledUsage[] {
    if (!existsSync(this.path)) return [];
    const entries: JournaledUsage[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const entry = JSON.parse(line) as JournaledUsage;
        if (entry && typeof entry.record?.requestId === 'string') entries.push(entry);
      } catch {
        // The last line of a crash mid-append: its entry was never acknowledged as journaled.
      }
    }
    return entries;
  }

  clear(): void {
    rmSync(this.path, { force: true });
  }
}
