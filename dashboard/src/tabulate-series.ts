import type { SeriesPoint } from './api-types.ts';

export const BUCKET_SECONDS = { minute: 60, hour: 3_600, day: 86_400 } as const;

export interface SeriesGroupColumn {
  label: string;
  /** The group's point at each timestamp; undefined where it had no request. */
  points: (SeriesPoint | undefined)[];
}

export interface SeriesTable {
  /** Every bucket start from `from` to `to`, Unix seconds, so empty buckets show as empty. */
  timestamps: number[];
  /** Groups by requests, most first; past `maxGroups`, the rest summed as "other". */
  groups: SeriesGroupColumn[];
}

/** The series' points as chart columns: one timestamp per bucket of the range, one column per group. */
export function tabulateSeries(points: SeriesPoint[], range: { fromMs: number; toMs: number; bucketSeconds: number }, maxGroups = 8): SeriesTable {
  const step = range.bucketSeconds;
  const seconds = new Set<number>();
  for (let at = Math.floor(range.fromMs / 1000 / step) * step; at <= range.toMs / 1000; at += step) seconds.add(at);
  for (const point of points) seconds.add(Math.floor(Date.parse(point.bucket_start) / 1000));
  const timestamps = [...seconds].sort((first, second) => first - second);
  const position = new Map(timestamps.map((at, index) => [at, index]));

  const requestsByGroup = new Map<string, number>();
  for (const point of points) requestsByGroup.set(groupLabel(point), (requestsByGroup.get(groupLabel(point)) ?? 0) + point.requests);
  const ranked = [...requestsByGroup.entries()].sort((first, second) => second[1] - first[1] || first[0].localeCompare(second[0])).map(([label]) => label);
  const shown = ranked.length > maxGroups ? ranked.slice(0, maxGroups - 1) : ranked;
  const columns = new Map(shown.map((label) => [label, new Array<SeriesPoint | undefined>(timestamps.length).fill(undefined)]));
  const other = ranked.length > shown.length ? new Array<SeriesPoint | undefined>(timestamps.length).fill(undefined) : undefined;

  for (const point of points) {
    const column = columns.get(groupLabel(point)) ?? other!;
    const at = position.get(Math.floor(Date.parse(point.bucket_start) / 1000))!;
    column[at] = column[at] ? mergePoints(column[at]!, point) : point;
  }
  const groups = [...columns.entries()].map(([label, column]) => ({ label, points: column }));
  if (other) groups.push({ label: 'other', points: other });
  return { timestamps, groups };
}

function groupLabel(point: SeriesPoint): string {
  return point.group ?? 'all';
}

/** Two points of one bucket as one: counts add up, averages are weighted by requests. */
export function mergePoints(first: SeriesPoint, second: SeriesPoint): SeriesPoint {
  const requests = first.requests + second.requests;
  const average = (a: number | null, b: number | null) =>
    a === null ? b : b === null ? a : requests === 0 ? null : (a * first.requests + b * second.requests) / requests;
  return {
    bucket_start: first.bucket_start,
    group: null,
    requests,
    errors: first.errors + second.errors,
    input_tokens: first.input_tokens + second.input_tokens,
    output_tokens: first.output_tokens + second.output_tokens,
    cost: '',
    cost_micros: first.cost_micros + second.cost_micros,
    avg_latency_ms: average(first.avg_latency_ms, second.avg_latency_ms),
    avg_time_to_first_token_ms: average(first.avg_time_to_first_token_ms, second.avg_time_to_first_token_ms),
  };
}
