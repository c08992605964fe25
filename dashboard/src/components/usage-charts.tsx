import { useMemo } from 'preact/hooks';
import type { SeriesBucket, SeriesPoint } from '../api-types.ts';
import { formatCount, formatCredits } from '../format.ts';
import { BUCKET_SECONDS, tabulateSeries } from '../tabulate-series.ts';
import { TimeSeriesChart } from './time-series-chart.tsx';

interface UsageChartsProps {
  points: SeriesPoint[];
  fromMs: number;
  toMs: number;
  bucket: SeriesBucket;
  /** What the groups are (a column heading), or null for one series. */
  groupName: string | null;
}

const formatCreditsAxis = (credits: number) => (credits === 0 ? '0' : credits.toPrecision(3).replace(/\.?0+(e|$)/, '$1'));

/**
 * Requests, tokens and cost per bucket, as stacked bars per group, each chart with its exact total
 * beside it (the same sums the store holds: counts, and cost added up in integer micro-credits).
 */
export function UsageCharts({ points, fromMs, toMs, bucket, groupName }: UsageChartsProps) {
  const bucketSeconds = BUCKET_SECONDS[bucket];
  const table = useMemo(() => tabulateSeries(points, { fromMs, toMs, bucketSeconds }), [points, fromMs, toMs, bucketSeconds]);
  const totals = useMemo(() => sumPoints(points), [points]);
  const charts = useMemo(() => {
    const column = (value: (point: SeriesPoint) => number) => table.groups.map((group) => ({ label: group.label, values: group.points.map((point) => (point ? value(point) : 0)) }));
    return {
      requests: column((point) => point.requests),
      tokens: column((point) => point.input_tokens + point.output_tokens),
      cost: column((point) => point.cost_micros / 1_000_000),
    };
  }, [table]);
  const groupTotals = useMemo(
    () =>
      groupName === null
        ? []
        : [...new Set(points.map((point) => point.group ?? 'all'))]
            .map((group) => ({ group, ...sumPoints(points.filter((point) => (point.group ?? 'all') === group)) }))
            .sort((first, second) => second.requests - first.requests || first.group.localeCompare(second.group)),
    [points, groupName],
  );
  const per = `per ${bucket}`;

  return (
    <div class="usage-charts">
      <dl class="totals" aria-label="Totals of the range">
        <div>
          <dt>Requests</dt>
          <dd data-testid="total-requests">{formatCount(totals.requests)}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd data-testid="total-errors">{formatCount(totals.errors)}</dd>
        </div>
        <div>
          <dt>Input tokens</dt>
          <dd data-testid="total-input-tokens">{formatCount(totals.inputTokens)}</dd>
        </div>
        <div>
          <dt>Output tokens</dt>
          <dd data-testid="total-output-tokens">{formatCount(totals.outputTokens)}</dd>
        </div>
        <div>
          <dt>Cost (credits)</dt>
          <dd data-testid="total-cost">{formatCredits(totals.costMicros)}</dd>
        </div>
      </dl>
      <div class="chart-grid">
        <figure class="panel" data-testid="chart-requests">
          <figcaption>
            <span>Requests {per}</span>
            <strong data-testid="chart-requests-total">{formatCount(totals.requests)}</strong>
          </figcaption>
          <TimeSeriesChart label={`Requests ${per}`} timestamps={table.timestamps} bucketSeconds={bucketSeconds} series={charts.requests} kind="stacked-bars" formatValue={formatCount} />
        </figure>
        <figure class="panel" data-testid="chart-tokens">
          <figcaption>
            <span>Tokens {per} (input + output)</span>
            <strong data-testid="chart-tokens-total">{formatCount(totals.inputTokens + totals.outputTokens)}</strong>
          </figcaption>
          <TimeSeriesChart label={`Tokens ${per}`} timestamps={table.timestamps} bucketSeconds={bucketSeconds} series={charts.tokens} kind="stacked-bars" formatValue={formatCount} />
        </figure>
        <figure class="panel" data-testid="chart-cost">
          <figcaption>
            <span>Cost {per} (credits)</span>
            <strong data-testid="chart-cost-total">{formatCredits(totals.costMicros)}</strong>
          </figcaption>
          <TimeSeriesChart label={`Cost ${per}`} timestamps={table.timestamps} bucketSeconds={bucketSeconds} series={charts.cost} kind="stacked-bars" formatValue={formatCreditsAxis} />
        </figure>
      </div>
      {groupName !== null && (
        <table class="data" aria-label={`Usage by ${groupName}`}>
          <thead>
            <tr>
              <th scope="col">{groupName}</th>
              <th scope="col" class="number">Requests</th>
              <th scope="col" class="number">Errors</th>
              <th scope="col" class="number">Input tokens</th>
              <th scope="col" class="number">Output tokens</th>
              <th scope="col" class="number">Cost (credits)</th>
            </tr>
          </thead>
          <tbody>
            {groupTotals.map((row) => (
              <tr key={row.group} data-testid="usage-group-row" data-group={row.group}>
                <th scope="row" class="mono">{row.group}</th>
                <td class="number" data-column="requests">{formatCount(row.requests)}</td>
                <td class="number" data-column="errors">{formatCount(row.errors)}</td>
                <td class="number" data-column="input_tokens">{formatCount(row.inputTokens)}</td>
                <td class="number" data-column="output_tokens">{formatCount(row.outputTokens)}</td>
                <td class="number" data-column="cost">{formatCredits(row.costMicros)}</td>
              </tr>
            ))}
            {groupTotals.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">No requests in this range.</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}

function sumPoints(points: SeriesPoint[]) {
  return points.reduce(
    (sum, point) => ({
      requests: sum.requests + point.requests,
      errors: sum.errors + point.errors,
      inputTokens: sum.inputTokens + point.input_tokens,
      outputTokens: sum.outputTokens + point.output_tokens,
      costMicros: sum.costMicros + point.cost_micros,
    }),
    { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costMicros: 0 },
  );
}
