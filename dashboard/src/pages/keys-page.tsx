import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiKey, CreatedApiKey, ListOf } from '../api-types.ts';
import { ActionStatus } from '../components/action-status.tsx';
import { KeySettingsForm, type KeySettingsBody } from '../components/key-settings-form.tsx';
import { SelectField } from '../components/select-field.tsx';
import { useDashboard } from '../dashboard-context.ts';
import { formatCount, formatTime } from '../format.ts';
import { scopedPaths } from '../scoped-paths.ts';
import { useAction } from '../use-action.ts';
import { navigate, type HashRoute } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { useOrganizations } from '../use-organizations.ts';

/** Keys of one organization. The operator picks the organization, creates (the secret shown once), edits and revokes; a tenant sees its own, read-only. */
export function KeysPage({ route }: { route: HashRoute }) {
  const { session, api } = useDashboard();
  const operator = session.role === 'operator';
  const organizations = useOrganizations();
  const organization = operator ? route.query.get('organization') ?? organizations.value?.[0]?.name ?? null : session.organization;
  const keys = useLoad(async () => (organization ? (await api.get<ListOf<ApiKey>>(scopedPaths(session).keys(organization))).data : []), [session, organization]);
  const create = useAction();
  const change = useAction();
  const [secret, setSecret] = useState<CreatedApiKey | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirmingRevoke, setConfirmingRevoke] = useState<string | null>(null);
  // A new value empties the create form once its key exists.
  const [createGeneration, setCreateGeneration] = useState(0);

  const createKey = (body: KeySettingsBody) =>
    void create.run(async () => {
      const created = await api.post<CreatedApiKey>(`/admin/v1/organizations/${encodeURIComponent(organization!)}/keys`, body);
      setSecret(created);
      setCreateGeneration((generation) => generation + 1);
      keys.reload();
    });
  const updateKey = (key: ApiKey, body: KeySettingsBody) =>
    void change.run(async () => {
      await api.patch(`/admin/v1/keys/${encodeURIComponent(key.id)}`, body);
      setEditing(null);
      keys.reload();
      return `Saved key ${key.name ?? key.prefix}.`;
    });
  const revokeKey = (key: ApiKey) =>
    void change.run(async () => {
      await api.post(`/admin/v1/keys/${encodeURIComponent(key.id)}/revoke`);
      setConfirmingRevoke(null);
      keys.reload();
      return `Revoked key ${key.name ?? key.prefix}: it is refused from now on.`;
    });

  return (
    <div class="page">
      <header class="page-header">
        <h1>Keys</h1>
        {operator ? (
          <SelectField label="Organization" value={organization ?? ''} onChange={(value) => navigate('/keys', { organization: value })}>
            {(organizations.value ?? []).map((candidate) => (
              <option key={candidate.id} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </SelectField>
        ) : (
          <p class="muted">Keys of {session.organization}, read-only: an operator creates and revokes them.</p>
        )}
      </header>
      {operator && organization && (
        <section class="panel" aria-labelledby="create-key-heading">
          <h2 id="create-key-heading">Create a key for {organization}</h2>
          <KeySettingsForm key={`${organization}/${createGeneration}`} label="Create key" submitLabel="Create key" busy={create.busy} onSubmit={createKey} />
          <ActionStatus action={create} />
          {secret && (
            <div class="secret" role="region" aria-label="New key secret">
              <p>
                <strong>Copy the key now: it is shown once.</strong> Only its hash is stored; a lost key is revoked and replaced.
              </p>
              <div class="secret-row">
                <code data-testid="new-key-secret">{secret.secret}</code>
                <CopyButton text={secret.secret} />
              </div>
              <button type="button" class="secondary" onClick={() => setSecret(null)}>
                I have stored it
              </button>
            </div>
          )}
        </section>
      )}
      {operator && organizations.value?.length === 0 && (
        <p class="muted">
          No organization yet: <a href="#/organizations">create one</a> first.
        </p>
      )}
      {keys.error && <p role="alert" class="error-text">{keys.error}</p>}
      <ActionStatus action={change} />
      <table class="data" aria-label="Keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Status</th>
            <th scope="col">Allowed models</th>
            <th scope="col">Limits</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            {operator && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {(keys.value ?? []).map((key) => (
            <Fragment key={key.id}>
              <tr data-testid="key-row" data-key-id={key.id} data-name={key.name ?? ''}>
                <th scope="row">{key.name ?? <span class="muted">unnamed</span>}</th>
                <td class="mono" title={key.id}>
                  {key.prefix}…
                </td>
                <td data-column="status">
                  <span class={`badge ${key.status === 'active' ? 'ok' : 'bad'}`}>{key.status}</span>
                </td>
                <td data-column="allowed_models">{key.allowed_models ? key.allowed_models.join(', ') : <span class="muted">every model</span>}</td>
                <td data-column="limits">{describeLimits(key)}</td>
                <td>{formatTime(key.created_at)}</td>
                <td>{key.expires_at ? formatTime(key.expires_at) : '—'}</td>
                {operator && (
                  <td>
                    {key.status !== 'revoked' && (
                      <div class="actions">
                        <button type="button" class="secondary small" onClick={() => setEditing(editing === key.id ? null : key.id)} aria-label={`Edit key ${key.name ?? key.prefix}`}>
                          Edit
                        </button>
                        {confirmingRevoke === key.id ? (
                          <>
                            <button type="button" class="danger small" onClick={() => revokeKey(key)} disabled={change.busy}>
                              Confirm revoke
                            </button>
                            <button type="button" class="secondary small" onClick={() => setConfirmingRevoke(null)}>
                              Keep
                            </button>
                          </>
                        ) : (
                          <button type="button" class="danger small" onClick={() => setConfirmingRevoke(key.id)} aria-label={`Revoke key ${key.name ?? key.prefix}`}>
                            Revoke
                          </button>
                        )}
                      </div>
                    )}
                  </td>
                )}
              </tr>
              {editing === key.id && (
                <tr class="editor">
                  <td colSpan={8}>
                    <KeySettingsForm label={`Edit key ${key.name ?? key.prefix}`} initial={key} submitLabel="Save key" busy={change.busy} onSubmit={(body) => updateKey(key, body)} onCancel={() => setEditing(null)} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
          {keys.value?.length === 0 && (
            <tr>
              <td colSpan={8} class="empty">
                No keys yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

function describeLimits(key: ApiKey): string {
  const parts = [
    key.limits.requests_per_minute !== null && `${formatCount(key.limits.requests_per_minute)} req/min`,
    key.limits.tokens_per_minute !== null && `${formatCount(key.limits.tokens_per_minute)} tokens/min`,
    key.limits.concurrent_requests !== null && `${formatCount(key.limits.concurrent_requests)} at once`,
    key.limits.lifetime_budget !== null && `${key.limits.lifetime_budget} credits in all`,
    key.limits.monthly_budget !== null && `${key.limits.monthly_budget} credits a month`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'none';
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
    } catch {
      setCopied('Copy failed: select the key and copy it');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" class="muted">
        {copied}
      </span>
    </>
  );
}
