import type { LedgerEntry } from '../api-types.ts';
import { formatCredits, formatTime } from '../format.ts';

const KINDS: Record<LedgerEntry['kind'], string> = { top_up: 'top-up', debit: 'debit', adjustment: 'adjustment' };

/** Ledger entries, newest first: top-ups, debits (one per billed request) and adjustments. */
export function LedgerTable({ entries }: { entries: LedgerEntry[] }) {
  return (
    <table class="data" aria-label="Ledger">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Kind</th>
          <th scope="col" class="number">Amount (credits)</th>
          <th scope="col">Reason</th>
          <th scope="col">Key</th>
          <th scope="col">Request</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.id} data-testid="ledger-row">
            <td>{formatTime(entry.created_at)}</td>
            <td>
              <span class={`badge ${entry.kind === 'top_up' ? 'ok' : ''}`}>{KINDS[entry.kind] ?? entry.kind}</span>
            </td>
            <td class="number" data-column="amount">{formatCredits(entry.amount_micros)}</td>
            <td>{entry.reason ?? '—'}</td>
            <td class="mono">{entry.key_id ?? '—'}</td>
            <td class="mono">{entry.request_id ?? '—'}</td>
          </tr>
        ))}
        {entries.length === 0 && (
          <tr>
            <td colSpan={6} class="empty">No ledger entries yet.</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
