import type { RequestLogFilter, UsageSeriesRow } from '../../store/store.ts';
import type { Switchyard } from '../../switchyard.ts';
import type { UsageSeriesQuery } from './admin-request-schemas.ts';
import { encodeCursor } from './decode-request-log-query.ts';
import { encodeRequest, encodeSeriesPoint } from './encode-admin-resources.ts';

// The request log's and the usage series' answers, the same for the operator (admin API) and a tenant (its own organization).

/** One page of the request log, and the cursor of the next when there is one. */
export async function listRequestPage(switchyard: Switchyard, filter: RequestLogFilter, organizationNames: Map<string, string>) {
  // One row more than the page tells whether another page follows.
  const rows = await switchyard.store.listRequests({ ...filter, limit: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const hasMore = rows.length > filter.limit;
  return { object: 'list', data: page.map((record) => encodeRequest(record, organizationNames)), has_more: hasMore, next_cursor: hasMore ? encodeCursor(page.at(-1)!) : null };
}

/** The usage series as the API answers it. */
export function encodeSeries(rows: UsageSeriesRow[], query: UsageSeriesQuery, organizationNames: Map<string, string>) {
  return { object: 'list', bucket: query.bucket ?? 'hour', group_by: query.group_by ?? null, data: rows.map((row) => encodeSeriesPoint(row, query.group_by, organizationNames)) };
}
