import type { Credits, LedgerEntry, ListOf } from '../api-types.ts';
import { LedgerTable } from '../components/ledger-table.tsx';
import { useDashboard } from '../dashboard-context.ts';
import { formatCredits } from '../format.ts';
import { scopedPaths } from '../scoped-paths.ts';
import { useLoad } from '../use-load.ts';

const LEDGER_LIMIT = 100;

/** A tenant's balance and its organization's ledger: top-ups, and one debit per billed request. */
export function CreditsPage() {
  const { session, api } = useDashboard();
  const credits = useLoad(() => api.get<Credits>('/v1/gateway/credits/'), [session]);
  const ledger = useLoad(() => api.get<ListOf<LedgerEntry>>(scopedPaths(session).ledger(session.organization ?? '', LEDGER_LIMIT)), [session]);
  return (
    <div class="page">
      <header class="page-header">
        <h1>Credits</h1>
      </header>
      <section class="panel">
        {credits.error && <p role="alert" class="error-text">{credits.error}</p>}
        {credits.value && (
          <p class="balance">
            Balance of <strong>{credits.value.organization}</strong>: <strong data-testid="balance">{formatCredits(credits.value.balance_micros)}</strong> credits
          </p>
        )}
      </section>
      <section class="panel" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger (latest {LEDGER_LIMIT})</h2>
        {ledger.error && <p role="alert" class="error-text">{ledger.error}</p>}
        <LedgerTable entries={ledger.value?.data ?? []} />
      </section>
    </div>
  );
}
