import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseIsoTime } from '../../core/parse-iso-time.ts';
import type { RequestLogFilter, UsageRecord, UsageSeriesFilter } from '../../store/store.ts';
import type { RequestLogQuery, UsageSeriesQuery } from './admin-request-schemas.ts';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** The most buckets one series may have: a day by the minute, two months by the hour. */
const MAX_BUCKETS = 1_500;
const DEFAULT_SERIES_SPAN_MS = 24 * 3_600_000;

/** The request log's filters from a query string; `organizationId` is the caller's to set (a tenant's own, or the operator's choice). */
export function decodeRequestLogQuery(query: RequestLogQuery): Omit<RequestLogFilter, 'organizationId'> {
  const limit = query.limit === undefined ? DEFAULT_PAGE : Number(query.limit);
  if (limit < 1 || limit > MAX_PAGE) throw invalid('limit', `Input should be from 1 to ${MAX_PAGE}`, 'less_than_equal');
  return {
    apiKeyId: query.key,
    model: query.model,
    status: query.status === undefined ? undefined : decodeStatus(query.status),
    from: decodeTime(query.from, 'from'),
    to: decodeTime(query.to, 'to'),
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit,
  };
}

/** The series' filters: the last 24 hours by the hour unless the query says otherwise. */
export function decodeUsageSeriesQuery(query: UsageSeriesQuery, now = Date.now()): Omit<UsageSeriesFilter, 'organizationId'> {
  const bucketMs = BUCKET_MS[(query.bucket ?? 'hour') as keyof typeof BUCKET_MS];
  const to = decodeTime(query.to, 'to') ?? now;
  const from = decodeTime(query.from, 'from') ?? to - DEFAULT_SERIES_SPAN_MS;
  if (from >= to) throw invalid('from', 'Input should be before `to`', 'value_error');
  if ((to - from) / bucketMs > MAX_BUCKETS) throw invalid('bucket', `The range holds more than ${MAX_BUCKETS} buckets: choose a wider bucket or a shorter range`, 'value_error');
  return { apiKeyId: query.key, model: query.model, from, to, bucketMs, groupBy: query.group_by as UsageSeriesFilter['groupBy'] };
}

/** The position after a page's last row, for `cursor`: opaque to clients. */
export function encodeCursor(record: UsageRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.requestId])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; requestId: string } {
  try {
    const [createdAt, requestId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(createdAt) && typeof requestId === 'string') return { createdAt: createdAt as number, requestId };
  } catch {
    // Answered below, as any other unreadable cursor.
  }
  throw invalid('cursor', 'Input should be the next_cursor of a previous page', 'value_error');
}

/** `429`, a class (`4xx`), or `error` (400 and above). */
function decodeStatus(status: string): { min: number; max: number } {
  if (status === 'error') return { min: 400, max: 599 };
  if (status.endsWith('xx')) {
    const hundred = Number(status[0]) * 100;
    return { min: hundred, max: hundred + 99 };
  }
  return { min: Number(status), max: Number(status) };
}

/** A query's ISO 8601 date or time, canonical; a 422 naming the field when it is none. */
export function decodeQueryTime(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const time = parseIsoTime(value);
  if (!time.ok) throw invalid(field, `Input should be an ISO 8601 date or time: ${time.error}`, 'datetime_parsing');
  return time.value;
}

function decodeTime(value: string | undefined, field: string): number | undefined {
  const time = decodeQueryTime(value, field);
  return time === undefined ? undefined : Date.parse(time);
}

function invalid(field: string, msg: string, type: string) {
  return GATEWAY_ERRORS.validation([{ loc: ['querystring', field], msg, type }]);
}
