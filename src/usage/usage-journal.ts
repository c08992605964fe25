import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
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
 *
 * Each running instance writes a file of its own in the folder, so instances that share a data
 * folder never clear each other's entries. At start, an instance claims the files that earlier
 * runs left (an atomic rename: one claimant each) and removes them once it has written them.
 */
export class UsageJournal {
  private readonly own: string;
  private readonly claimed: string[] = [];

  constructor(private readonly folder: string) {
    this.own = join(folder, `${randomUUID()}.jsonl`);
  }

  append(entries: JournaledUsage[]): void {
    if (entries.length === 0) return;
    mkdirSync(this.folder, { recursive: true });
    const descriptor = openSync(this.own, 'a');
    try {
      writeSync(descriptor, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  }

  /** What earlier runs left, claimed by this instance; a line cut short by a crash is skipped. */
  read(): JournaledUsage[] {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return [];
    }
    const entries: JournaledUsage[] = [];
    for (const name of names) {
      const path = join(this.folder, name);
      if (path === this.own || !name.includes('.jsonl')) continue;
      const claim = join(this.folder, `${name.split('.jsonl')[0]}.jsonl.claimed-${randomUUID()}`);
      try {
        renameSync(path, claim);
      } catch {
        continue; // another instance claimed it first
      }
      this.claimed.push(claim);
      for (const line of readFileSync(claim, 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const entry = JSON.parse(line) as JournaledUsage;
          if (entry && typeof entry.record?.requestId === 'string') entries.push(entry);
        } catch {
          // The last line of a crash mid-append: its entry was never acknowledged as journaled.
        }
      }
    }
    return entries;
  }

  /** Everything journaled (this instance's entries and the files it claimed) is in the store now. */
  clear(): void {
    rmSync(this.own, { force: true });
    for (const path of this.claimed.splice(0)) rmSync(path, { force: true });
  }
}
