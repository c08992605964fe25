import { useEffect, useState } from 'preact/hooks';
import type { LedgerEntry, ListOf, Organization, TopUpAnswer } from '../api-types.ts';
import { ActionStatus } from '../components/action-status.tsx';
import { LedgerTable } from '../components/ledger-table.tsx';
import { useDashboard } from '../dashboard-context.ts';
import { formatCredits, formatTime } from '../format.ts';
import { scopedPaths } from '../scoped-paths.ts';
import { useAction } from '../use-action.ts';
import { navigate, type HashRoute } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';

const LEDGER_LIMIT = 50;

/** The operator's organizations: create one, and for the one selected, top up, disable or enable, request logging and the ledger. */
export function OrganizationsPage({ route }: { route: HashRoute }) {
  const { api } = useDashboard();
  const organizations = useLoad(() => api.get<ListOf<Organization>>('/admin/v1/organizations'), []);
  const selectedName = route.query.get('name');
  const selected = organizations.value?.data.find((organization) => organization.name === selectedName);
  const create = useAction();
  const [name, setName] = useState('');

  const submitCreate = (event: Event) => {
    event.preventDefault();
    void create.run(async () => {
      const created = await api.post<Organization>('/admin/v1/organizations', { name: name.trim() });
      setName('');
      organizations.reload();
      navigate('/organizations', { name: created.name });
      return `Created organization ${created.name}. It has no credit yet: top it up below.`;
    });
  };

  return (
    <div class="page">
      <header class="page-header">
        <h1>Organizations</h1>
      </header>
      <form class="panel inline-form" aria-label="Create organization" onSubmit={submitCreate}>
        <label>
          New organization name
          <input value={name} onInput={(event) => setName(event.currentTarget.value)} required pattern="\S.*" autocomplete="off" />
        </label>
        <button type="submit" disabled={create.busy}>
          Create organization
        </button>
        <ActionStatus action={create} />
      </form>
      {organizations.error && <p role="alert" class="error-text">{organizations.error}</p>}
      <table class="data" aria-label="Organizations">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" class="number">Balance (credits)</th>
            <th scope="col">Status</th>
            <th scope="col">Request bodies</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {(organizations.value?.data ?? []).map((organization) => (
            <tr key={organization.id} data-testid="organization-row" data-name={organization.name} class={organization.name === selectedName ? 'selected' : ''}>
              <th scope="row">
                <a href={`#/organizations?name=${encodeURIComponent(organization.name)}`}>{organization.name}</a>
              </th>
              <td class="number" data-column="balance">{formatCredits(organization.balance_micros)}</td>
              <td>{organization.disabled ? <span class="badge bad">disabled</span> : <span class="badge ok">active</span>}</td>
              <td>{describeLogging(organization)}</td>
              <td>{formatTime(organization.created_at)}</td>
            </tr>
          ))}
          {organizations.value?.data.length === 0 && (
            <tr>
              <td colSpan={5} class="empty">No organization yet: create one above.</td>
            </tr>
          )}
        </tbody>
      </table>
      {selected && <OrganizationDetail key={selected.id} organization={selected} onChanged={organizations.reload} />}
    </div>
  );
}

function describeLogging(organization: Organization): string {
  const logging = organization.request_logging;
  if (!logging) return '—';
  return logging.bodies ? `kept ${logging.retention_days} days` : 'off';
}

function OrganizationDetail({ organization, onChanged }: { organization: Organization; onChanged: () => void }) {
  const { session, api } = useDashboard();
  const path = `/admin/v1/organizations/${encodeURIComponent(organization.name)}`;
  const ledger = useLoad(() => api.get<ListOf<LedgerEntry>>(scopedPaths(session).ledger(organization.name, LEDGER_LIMIT)), [organization.name, organization.balance_micros]);
  const topUp = useAction();
  const status = useAction();
  const logging = useAction();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [bodies, setBodies] = useState(organization.request_logging?.bodies ?? false);
  const [retentionDays, setRetentionDays] = useState(String(organization.request_logging?.retention_days ?? 7));
  useEffect(() => {
    setBodies(organization.request_logging?.bodies ?? false);
    setRetentionDays(String(organization.request_logging?.retention_days ?? 7));
  }, [organization.request_logging?.bodies, organization.request_logging?.retention_days]);

  const submitTopUp = (event: Event) => {
    event.preventDefault();
    void topUp.run(async () => {
      const answer = await api.post<TopUpAnswer>(`${path}/credits`, { amount: amount.trim(), ...(reason.trim() && { reason: reason.trim() }) });
      setAmount('');
      setReason('');
      onChanged();
      return `Added ${formatCredits(answer.entry.amount_micros)} credits: the balance is ${formatCredits(answer.balance_micros)}.`;
    });
  };
  const toggleDisabled = () =>
    void status.run(async () => {
      await api.patch(path, { disabled: !organization.disabled });
      onChanged();
      return organization.disabled ? 'Enabled: its keys work again.' : 'Disabled: its keys are refused until it is enabled.';
    });
  const submitLogging = (event: Event) => {
    event.preventDefault();
    void logging.run(async () => {
      await api.patch(path, { request_logging: { bodies, retention_days: Number(retentionDays) } });
      onChanged();
      return bodies ? `Request and response bodies are kept for ${retentionDays} days.` : 'Bodies are no longer kept.';
    });
  };

  return (
    <section class="panel" aria-labelledby="organization-heading" data-testid="organization-detail">
      <header class="panel-header">
        <h2 id="organization-heading">
          {organization.name} <span class="muted mono">{organization.id}</span>
        </h2>
        <div class="controls">
          <a class="button secondary" href={`#/keys?organization=${encodeURIComponent(organization.name)}`}>
            Keys
          </a>
          <a class="button secondary" href={`#/requests?organization=${encodeURIComponent(organization.name)}`}>
            Requests
          </a>
          <button type="button" class={organization.disabled ? '' : 'danger'} onClick={toggleDisabled} disabled={status.busy}>
            {organization.disabled ? 'Enable organization' : 'Disable organization'}
          </button>
        </div>
      </header>
      <ActionStatus action={status} />
      <p>
        Balance: <strong data-testid="organization-balance">{formatCredits(organization.balance_micros)}</strong> credits
      </p>
      <div class="columns">
        <form aria-label="Top up credits" onSubmit={submitTopUp} class="stacked-form">
          <h3>Top up credits</h3>
          <label>
            Amount (credits)
            <input value={amount} onInput={(event) => setAmount(event.currentTarget.value)} required inputMode="decimal" pattern="[0-9]+(\.[0-9]{1,6})?" placeholder="25" />
          </label>
          <label>
            Reason
            <input value={reason} onInput={(event) => setReason(event.currentTarget.value)} maxLength={500} placeholder="invoice 2024-07" />
          </label>
          <button type="submit" disabled={topUp.busy}>
            Add credits
          </button>
          <ActionStatus action={topUp} />
        </form>
        <form aria-label="Request logging" onSubmit={submitLogging} class="stacked-form">
          <h3>Request logging</h3>
          {organization.request_logging ? (
            <>
              <label class="checkbox">
                <input type="checkbox" checked={bodies} onChange={(event) => setBodies(event.currentTarget.checked)} />
                Keep request and response bodies
              </label>
              <label>
                Retention (days)
                <input type="number" min={1} step={1} value={retentionDays} onInput={(event) => setRetentionDays(event.currentTarget.value)} required />
              </label>
              <button type="submit" disabled={logging.busy}>
                Save logging
              </button>
            </>
          ) : (
            <p class="muted">This gateway does not report request logging settings.</p>
          )}
          <ActionStatus action={logging} />
        </form>
      </div>
      <h3>Ledger (latest {LEDGER_LIMIT})</h3>
      {ledger.error && <p role="alert" class="error-text">{ledger.error}</p>}
      <LedgerTable entries={ledger.value?.data ?? []} />
    </section>
  );
}
