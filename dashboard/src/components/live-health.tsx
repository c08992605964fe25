import { useMemo } from 'preact/hooks';
import type { SeriesList } from '../api-types.ts';
import { useDashboard } from '../dashboard-context.ts';
import { formatCount, formatMilliseconds, formatPercent } from '../format.ts';
import { scopedPaths } from '../scoped-paths.ts';
import { BUCKET_SECONDS, mergePoints, tabulateSeries } from '../tabulate-series.ts';
import { useLoad } from '../use-load.ts';
import { TimeSeriesChart } from './time-series-chart.tsx';

const HOUR_MS = 3_600_000;
const REFRESH_MS = 5_000;
const formatRate = (percent: number) => `${Math.round(percent * 10) / 10}%`;

/** Error rate and average latency per minute over the last hour, from the store's aggregates, refreshed every 5 s. */
export function LiveHealth() {
  const { session, api } = useDashboard();
  const series = useLoad(async () => {
    const toMs = Date.now();
    const fromMs = toMs - HOUR_MS;
    const query = new URLSearchParams({ bucket: 'minute', from: new Date(Math.floor(fromMs / 60_000) * 60_000).toISOString() });
    return { toMs, fromMs, list: await api.get<SeriesList>(`${scopedPaths(session).series}?${query}`) };
  }, [session], REFRESH_MS);

  const view = useMemo(() => {
    if (!series.value) return undefined;
    const { list, fromMs, toMs } = series.value;
    const table = tabulateSeries(list.data.map((point) => ({ ...point, group: null })), { fromMs, toMs, bucketSeconds: BUCKET_SECONDS.minute }, 1);
    const minutes = table.groups[0]?.points ?? table.timestamps.map(() => undefined);
    const total = list.data.reduce((sum, point) => mergePoints(sum, point), { ...EMPTY_POINT });
    return {
      timestamps: table.timestamps,
      errorRate: [{ label: 'Error rate', values: minutes.map((point) => (point && point.requests > 0 ? (point.errors / point.requests) * 100 : null)) }],
      latency: [{ label: 'Average latency', values: minutes.map((point) => point?.avg_latency_ms ?? null) }],
      total,
      updatedAt: new Date(toMs).toLocaleTimeString('en-GB'),
    };
  }, [series.value]);

  return (
    <section class="panel" aria-labelledby="live-heading" data-testid="live-health">
      <header class="panel-header">
        <h2 id="live-heading">Last hour, live{session.role === 'operator' ? ' (every organization)' : ''}</h2>
        <span class="muted" aria-live="polite">
          {series.error ? <span class="error-text">{series.error}</span> : view ? `updated ${view.updatedAt}, every 5 s` : 'loading…'}
        </span>
      </header>
      {view && (
        <>
          <dl class="totals">
            <div>
              <dt>Requests</dt>
              <dd data-testid="live-requests">{formatCount(view.total.requests)}</dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd data-testid="live-errors">{formatCount(view.total.errors)}</dd>
            </div>
            <div>
              <dt>Error rate</dt>
              <dd data-testid="live-error-rate">{formatPercent(view.total.errors, view.total.requests)}</dd>
            </div>
            <div>
              <dt>Average latency</dt>
              <dd data-testid="live-latency">{formatMilliseconds(view.total.avg_latency_ms)}</dd>
            </div>
          </dl>
          <div class="chart-grid two">
            <figure>
              <figcaption>Error rate per minute</figcaption>
              <TimeSeriesChart label="Error rate per minute" timestamps={view.timestamps} bucketSeconds={60} series={view.errorRate} kind="lines" formatValue={formatRate} height={180} />
            </figure>
            <figure>
              <figcaption>Average latency per minute</figcaption>
              <TimeSeriesChart label="Average latency per minute" timestamps={view.timestamps} bucketSeconds={60} series={view.latency} kind="lines" formatValue={formatMilliseconds} height={180} />
            </figure>
          </div>
        </>
      )}
    </section>
  );
}

const EMPTY_POINT = {
  bucket_start: '',
  group: null,
  requests: 0,
  errors: 0,
  input_tokens: 0,
  output_tokens: 0,
  cost: '',
  cost_micros: 0,
  avg_latency_ms: null,
  avg_time_to_first_token_ms: null,
};
