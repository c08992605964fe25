import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  /** One value per timestamp; null where there is nothing to show (a line breaks there). */
  values: (number | null)[];
}

interface TimeSeriesChartProps {
  /** Names the chart for screen readers (the canvas itself says nothing). */
  label: string;
  /** Bucket starts, Unix seconds, ascending. */
  timestamps: number[];
  bucketSeconds: number;
  series: ChartSeries[];
  /** Stacked bars for amounts that add up (requests, tokens, cost); lines for rates and averages. */
  kind: 'stacked-bars' | 'lines';
  formatValue: (value: number) => string;
  height?: number;
}

export const CHART_COLORS = ['#1f6feb', '#d9480f', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#c2255c', '#5c940d', '#495057'];

/**
 * A uPlot chart (canvas) in a Preact component. uPlot draws from columns of numbers and knows
 * nothing of Preact: the chart is made again when its data change and resized with its box.
 * Stacked bars are drawn as running totals, the tallest first, so each group's part shows on top
 * of the ones after it; the legend shows each group's own value, not the running total.
 */
export function TimeSeriesChart({ label, timestamps, bucketSeconds, series, kind, formatValue, height = 220 }: TimeSeriesChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const stacked = kind === 'stacked-bars';
    const drawn = stacked ? runningTotals(series.map((one) => one.values)) : series.map((one) => one.values);
    const half = bucketSeconds / 2;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 320),
      height,
      scales: {
        // Half a bucket each side, so the first and last bars (and the newest point) are drawn whole.
        x: { time: true, range: (_chart, min, max) => [min - half, max + half] },
        y: { range: (_chart, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [{ stroke: '#57606a', grid: { stroke: '#eaeef2' } }, { stroke: '#57606a', grid: { stroke: '#eaeef2' }, size: 70, values: (_chart, ticks) => ticks.map((tick) => formatValue(tick)) }],
      legend: { live: true },
      cursor: { points: { show: !stacked } },
      series: [
        { label: 'Time' },
        ...series.map((one, index) => {
          const color = CHART_COLORS[index % CHART_COLORS.length]!;
          return {
            label: one.label,
            stroke: color,
            width: stacked ? 0 : 2,
            fill: stacked ? color : undefined,
            spanGaps: false,
            points: { show: !stacked && timestamps.length <= 90, size: 5 },
            paths: stacked ? uPlot.paths.bars!({ size: [0.7, 48, 4], gap: 1 }) : undefined,
            value: (_chart: uPlot, _value: number, _seriesIndex: number, at: number | null) => {
              const own = at === null ? null : one.values[at];
              return own === null || own === undefined ? '—' : formatValue(own);
            },
          } satisfies uPlot.Series;
        }),
      ],
    };
    const chart = new uPlot(options, [timestamps, ...drawn] as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 320), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [timestamps, bucketSeconds, series, kind, formatValue, height]);

  return <div class="chart" ref={box} role="img" aria-label={label} />;
}

/** Column i becomes the sum of columns i..n-1 (nulls count as 0), so column 0 is the total. */
function runningTotals(columns: (number | null)[][]): number[][] {
  const totals: number[][] = [];
  for (let index = columns.length - 1; index >= 0; index--) {
    const above = totals[0];
    totals.unshift(columns[index]!.map((value, at) => (value ?? 0) + (above ? above[at]! : 0)));
  }
  return totals;
}
