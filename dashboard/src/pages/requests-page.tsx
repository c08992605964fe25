import { useEffect, useRef, useState } from 'preact/hooks';
import type { Organization, RequestDetail, RequestPage, RequestRow } from '../api-types.ts';
import { SelectField } from '../components/select-field.tsx';
import { useDashboard } from '../dashboard-context.ts';
import { formatCount, formatCredits, formatMilliseconds, formatShortTime, formatTime, fromLocalInput, toLocalInput } from '../format.ts';
import { scopedPaths } from '../scoped-paths.ts';
import { navigate, type HashRoute } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { useOrganizations } from '../use-organizations.ts';

const FILTERS = ['organization', 'key', 'model', 'status', 'from', 'to', 'limit'] as const;
type Filter = (typeof FILTERS)[number];
const STATUS_OPTIONS: [string, string][] = [
  ['', 'Any'],
  ['2xx', 'Succeeded (2xx)'],
  ['error', 'Failed (400 and above)'],
  ['4xx', 'Refused (4xx)'],
  ['5xx', 'Failed upstream or in the gateway (5xx)'],
  ...['400', '401', '402', '403', '404', '408', '422', '429', '499', '500', '502', '503', '504'].map((code): [string, string] => [code, code]),
];
const PAGE_SIZES = ['25', '50', '100', '500'];
const DEFAULT_PAGE_SIZE = '50';

/** The request log, newest first: filters in the page's address, pages loaded on demand ("Load more"), a request's details (and bodies, when kept) on click. */
export function RequestsPage({ route }: { route: HashRoute }) {
  const { session, api } = useDashboard();
  const operator = session.role === 'operator';
  const filters = Object.fromEntries(FILTERS.map((name) => [name, route.query.get(name) ?? ''])) as Record<Filter, string>;
  const filterKey = FILTERS.map((name) => filters[name]).join('\u0000');
  const organizations = useOrganizations();

  const [rows, setRows] = useState<RequestRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<RequestRow | null>(null);
  const generation = useRef(0);

  const load = async (cursor: string | null) => {
    const current = cursor ? generation.current : ++generation.current;
    setLoading(true);
    const query = new URLSearchParams();
    for (const name of FILTERS) if (filters[name] && (operator || name !== 'organization')) query.set(name, filters[name]);
    if (!query.has('limit')) query.set('limit', DEFAULT_PAGE_SIZE);
    if (cursor) query.set('cursor', cursor);
    try {
      const page = await api.get<RequestPage>(`${scopedPaths(session).requests}?${query}`);
      if (current !== generation.current) return;
      setRows((shown) => (cursor ? [...shown, ...page.data] : page.data));
      setNext(page.has_more ? page.next_cursor : null);
      setError(null);
    } catch (failure) {
      if (current === generation.current) setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      if (current === generation.current) setLoading(false);
    }
  };
  useEffect(() => {
    setRows([]);
    setNext(null);
    setSelected(null);
    void load(null);
  }, [session, filterKey]);

  const shownTotals = rows.reduce(
    (sum, row) => ({ tokens: sum.tokens + (row.input_tokens ?? 0) + (row.output_tokens ?? 0), costMicros: sum.costMicros + row.cost_micros, errors: sum.errors + (row.status >= 400 ? 1 : 0) }),
    { tokens: 0, costMicros: 0, errors: 0 },
  );

  return (
    <div class="page">
      <header class="page-header">
        <h1>Requests</h1>
        {!operator && <p class="muted">Requests of {session.organization}.</p>}
      </header>
      <FilterForm key={filterKey} filters={filters} operator={operator} organizations={organizations.value ?? []} />
      <div class="log-layout">
        <section class="panel" aria-labelledby="log-heading" aria-busy={loading} data-testid="request-log">
          <header class="panel-header">
            <h2 id="log-heading">Request log</h2>
            <span class="muted" data-testid="requests-summary">
              <span data-testid="requests-shown">{formatCount(rows.length)}</span> shown{next ? ' (more to load)' : ''} · {formatCount(shownTotals.errors)} failed · {formatCount(shownTotals.tokens)} tokens ·{' '}
              {formatCredits(shownTotals.costMicros)} credits
            </span>
          </header>
          {error && <p role="alert" class="error-text">{error}</p>}
          <div class="table-scroll">
            <table class="data log" aria-label="Request log">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  {operator && <th scope="col">Organization</th>}
                  <th scope="col">Key</th>
                  <th scope="col">Model</th>
                  <th scope="col">Surface</th>
                  <th scope="col" class="number">Status</th>
                  <th scope="col">Stream</th>
                  <th scope="col" class="number">Input</th>
                  <th scope="col" class="number">Output</th>
                  <th scope="col" class="number">Cost</th>
                  <th scope="col" class="number">Latency</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr
                    key={row.id}
                    data-testid="request-row"
                    data-request-id={row.id}
                    class={`clickable ${selected?.id === row.id ? 'selected' : ''}`}
                    tabIndex={0}
                    aria-selected={selected?.id === row.id}
                    onClick={() => setSelected(row)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        setSelected(row);
                      }
                    }}
                  >
                    <td data-column="created_at" title={formatTime(row.created_at)}>
                      {formatShortTime(row.created_at)}
                    </td>
                    {operator && <td data-column="organization">{row.organization}</td>}
                    <td class="mono truncate key" data-column="key_id" title={row.key_id}>
                      {row.key_id}
                    </td>
                    <td class="mono" data-column="model">{row.model}</td>
                    <td data-column="surface">{row.surface}</td>
                    <td class="number" data-column="status">
                      <span class={`badge ${row.status < 400 ? 'ok' : 'bad'}`}>{row.status}</span>
                    </td>
                    <td data-column="streamed">{row.streamed ? 'yes' : 'no'}</td>
                    <td class="number" data-column="input_tokens">{formatCount(row.input_tokens)}</td>
                    <td class="number" data-column="output_tokens">{formatCount(row.output_tokens)}</td>
                    <td class="number" data-column="cost">{formatCredits(row.cost_micros)}</td>
                    <td class="number" data-column="latency_ms">{formatMilliseconds(row.latency_ms)}</td>
                  </tr>
                ))}
                {!loading && rows.length === 0 && !error && (
                  <tr>
                    <td colSpan={11} class="empty">No request matches.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {next && (
            <button type="button" class="secondary" onClick={() => void load(next)} disabled={loading}>
              Load more
            </button>
          )}
        </section>
        {selected && <RequestDetailPanel row={selected} onClose={() => setSelected(null)} />}
      </div>
    </div>
  );
}

function FilterForm({ filters, operator, organizations }: { filters: Record<Filter, string>; operator: boolean; organizations: Organization[] }) {
  const [draft, setDraft] = useState(() => ({ ...filters, from: toLocalInput(filters.from), to: toLocalInput(filters.to) }));
  const set = (name: Filter) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setDraft((current) => ({ ...current, [name]: value }));
  };
  const apply = (event: Event) => {
    event.preventDefault();
    navigate('/requests', { ...draft, key: draft.key.trim(), model: draft.model.trim(), from: fromLocalInput(draft.from), to: fromLocalInput(draft.to) });
  };
  const pageSizes = PAGE_SIZES.includes(draft.limit || DEFAULT_PAGE_SIZE) ? PAGE_SIZES : [draft.limit, ...PAGE_SIZES];
  return (
    <form class="panel filters" aria-label="Filter requests" onSubmit={apply}>
      {operator && (
        <SelectField label="Organization" value={draft.organization} onChange={(value) => setDraft((current) => ({ ...current, organization: value }))}>
          <option value="">Every organization</option>
          {organizations.map((organization) => (
            <option key={organization.id} value={organization.name}>
              {organization.name}
            </option>
          ))}
        </SelectField>
      )}
      <label>
        Key id
        <input value={draft.key} onInput={set('key')} placeholder="key_…" autocomplete="off" />
      </label>
      <label>
        Model
        <input value={draft.model} onInput={set('model')} placeholder="gpt-5-mini" autocomplete="off" />
      </label>
      <SelectField label="Status" value={draft.status} onChange={(value) => setDraft((current) => ({ ...current, status: value }))}>
        {STATUS_OPTIONS.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </SelectField>
      <label>
        From
        <input type="datetime-local" value={draft.from} onInput={set('from')} />
      </label>
      <label>
        To
        <input type="datetime-local" value={draft.to} onInput={set('to')} />
      </label>
      <SelectField label="Page size" value={draft.limit || DEFAULT_PAGE_SIZE} onChange={(value) => setDraft((current) => ({ ...current, limit: value }))}>
        {pageSizes.map((size) => (
          <option key={size} value={size}>
            {size}
          </option>
        ))}
      </SelectField>
      <div class="form-actions">
        <button type="submit">Apply filters</button>
        <a class="button secondary" href="#/requests">
          Clear
        </a>
      </div>
    </form>
  );
}

function RequestDetailPanel({ row, onClose }: { row: RequestRow; onClose: () => void }) {
  const { session, api } = useDashboard();
  const detail = useLoad(() => api.get<RequestDetail>(scopedPaths(session).request(row.id)), [row.id]);
  const bodies = detail.value;
  const shown: RequestRow = bodies ?? row;
  const fields: [string, string][] = [
    ['Request id', shown.id],
    ['Time', formatTime(shown.created_at)],
    ['Organization', shown.organization],
    ['Key', shown.key_id],
    ['Surface', shown.surface],
    ['Model', shown.model],
    ['Provider', shown.provider],
    ['Deployment', shown.deployment ?? '—'],
    ['Status', String(shown.status)],
    ['Error code', shown.error_code ?? '—'],
    ['Streamed', shown.streamed ? 'yes' : 'no'],
    ['Input tokens', formatCount(shown.input_tokens)],
    ['Cached input tokens', formatCount(shown.cached_input_tokens)],
    ['Output tokens', formatCount(shown.output_tokens)],
    ['Reasoning tokens', formatCount(shown.reasoning_tokens)],
    ['Cost (credits)', formatCredits(shown.cost_micros)],
    ['Latency', formatMilliseconds(shown.latency_ms)],
    ['Time to first token', formatMilliseconds(shown.time_to_first_token_ms)],
    ['Usage', shown.usage_flag ?? "the provider's report"],
  ];
  return (
    <aside class="panel detail" aria-label="Request details" data-testid="request-detail">
      <header class="panel-header">
        <h2>Request details</h2>
        <button type="button" class="secondary small" onClick={onClose}>
          Close
        </button>
      </header>
      <dl class="fields">
        {fields.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd class="mono" data-field={name}>{value}</dd>
          </div>
        ))}
      </dl>
      {detail.error && <p role="alert" class="error-text">{detail.error}</p>}
      {bodies ? (
        bodies.request_body !== null || bodies.response_body !== null ? (
          <>
            <h3>Request body</h3>
            <pre data-testid="request-body">{formatBody(bodies.request_body)}</pre>
            <h3>Response body</h3>
            <pre data-testid="response-body">{formatBody(bodies.response_body)}</pre>
          </>
        ) : (
          <p class="muted">No bodies kept for this request (request logging keeps them when the organization turns it on).</p>
        )
      ) : null}
    </aside>
  );
}

/** JSON indented for reading; anything else (a stream's text) as it is. */
function formatBody(body: string | null): string {
  if (body === null) return '—';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
