import type { Credits, SeriesBucket, SeriesGroup, SeriesList } from '../api-types.ts';
import { DeploymentsTable } from '../components/deployments-table.tsx';
import { LiveHealth } from '../components/live-health.tsx';
import { UsageCharts } from '../components/usage-charts.tsx';
import { SelectField } from '../components/select-field.tsx';
import { useDashboard } from '../dashboard-context.ts';
import { formatCredits } from '../format.ts';
import { scopedPaths } from '../scoped-paths.ts';
import { BUCKET_SECONDS } from '../tabulate-series.ts';
import { navigate, type HashRoute } from '../use-hash-route.ts';
import { useLoad } from '../use-load.ts';
import { useOrganizations } from '../use-organizations.ts';

const RANGES: Record<string, { label: string; ms: number; bucket: SeriesBucket }> = {
  '1h': { label: 'Last hour (per minute)', ms: 3_600_000, bucket: 'minute' },
  '24h': { label: 'Last 24 hours (per hour)', ms: 86_400_000, bucket: 'hour' },
  '7d': { label: 'Last 7 days (per hour)', ms: 7 * 86_400_000, bucket: 'hour' },
  '30d': { label: 'Last 30 days (per day)', ms: 30 * 86_400_000, bucket: 'day' },
};
/** The usage charts follow new traffic on their own, less often than the live panel. */
const USAGE_REFRESH_MS = 60_000;
const GROUP_NAMES: Record<SeriesGroup, string> = { model: 'Model', key: 'Key', organization: 'Organization' };

/** Usage over time (requests, tokens, cost; by model, key or organization), the last hour live, and, for the operator, the deployments. */
export function OverviewPage({ route }: { route: HashRoute }) {
  const { session, api } = useDashboard();
  const operator = session.role === 'operator';
  const rangeId = RANGES[route.query.get('range') ?? ''] ? route.query.get('range')! : '24h';
  const range = RANGES[rangeId]!;
  const groupOptions: SeriesGroup[] = operator ? ['model', 'key', 'organization'] : ['model', 'key'];
  const requestedGroup = route.query.get('group_by');
  const groupBy: SeriesGroup | null = requestedGroup === 'none' ? null : groupOptions.find((group) => group === requestedGroup) ?? 'model';
  const organization = operator ? route.query.get('organization') ?? '' : '';
  const change = (settings: { range?: string; group_by?: string; organization?: string }) => navigate('/', { range: rangeId, group_by: groupBy ?? 'none', organization, ...settings });
  const organizations = useOrganizations();

  const series = useLoad(async () => {
    const toMs = Date.now();
    const step = BUCKET_SECONDS[range.bucket] * 1000;
    const fromMs = Math.floor((toMs - range.ms) / step) * step;
    const query = new URLSearchParams({ from: new Date(fromMs).toISOString(), bucket: range.bucket, ...(groupBy && { group_by: groupBy }), ...(organization && { organization }) });
    return { fromMs, toMs, list: await api.get<SeriesList>(`${scopedPaths(session).series}?${query}`) };
  }, [session, rangeId, groupBy, organization], USAGE_REFRESH_MS);
  const credits = useLoad(async () => (operator ? undefined : api.get<Credits>('/v1/gateway/credits/')), [session]);

  return (
    <div class="page">
      <header class="page-header">
        <h1>Overview</h1>
        {!operator && credits.value && (
          <p class="balance">
            Balance of <strong>{credits.value.organization}</strong>: <strong data-testid="balance">{formatCredits(credits.value.balance_micros)}</strong> credits
          </p>
        )}
      </header>
      <section class="panel" aria-labelledby="usage-heading" aria-busy={series.loading} data-testid="usage">
        <header class="panel-header">
          <h2 id="usage-heading">Usage</h2>
          <div class="controls">
            {operator && (
              <SelectField label="Organization" value={organization} onChange={(value) => change({ organization: value })}>
                <option value="">Every organization</option>
                {(organizations.value ?? []).map((candidate) => (
                  <option key={candidate.id} value={candidate.name}>
                    {candidate.name}
                  </option>
                ))}
              </SelectField>
            )}
            <SelectField label="Range" value={rangeId} onChange={(value) => change({ range: value })}>
              {Object.entries(RANGES).map(([id, option]) => (
                <option key={id} value={id}>
                  {option.label}
                </option>
              ))}
            </SelectField>
            <SelectField label="Group by" value={groupBy ?? 'none'} onChange={(value) => change({ group_by: value })}>
              <option value="none">Nothing (totals)</option>
              {groupOptions.map((group) => (
                <option key={group} value={group}>
                  {GROUP_NAMES[group]}
                </option>
              ))}
            </SelectField>
            <button type="button" class="secondary" onClick={series.reload} disabled={series.loading}>
              Refresh
            </button>
          </div>
        </header>
        {series.error && <p role="alert" class="error-text">{series.error}</p>}
        {series.value ? (
          <UsageCharts points={series.value.list.data} fromMs={series.value.fromMs} toMs={series.value.toMs} bucket={range.bucket} groupName={groupBy && GROUP_NAMES[groupBy]} />
        ) : (
          !series.error && <p class="muted">Loading…</p>
        )}
      </section>
      <LiveHealth />
      {operator && <DeploymentsTable />}
    </div>
  );
}
