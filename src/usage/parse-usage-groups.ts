import type { ParseResult } from '../core/parse-json.ts';
import type { UsageSummaryFilter } from '../store/store.ts';

export type UsageGroup = UsageSummaryFilter['groupBy'][number];

export const USAGE_GROUPS: readonly UsageGroup[] = ['day', 'model', 'key', 'organization'];

/** `day,model` as the groups of a usage summary (the admin API's `group_by`, the CLI's `--group-by`); empty text for totals only. */
export function parseUsageGroups(text: string): ParseResult<UsageGroup[]> {
  if (text.trim() === '') return { ok: true, value: [] };
  const groups = text.split(',').map((group) => group.trim());
  const unknown = groups.filter((group) => !(USAGE_GROUPS as readonly string[]).includes(group));
  if (unknown.length > 0) return { ok: false, error: `Expected a comma-separated list of ${USAGE_GROUPS.join(', ')} (got '${unknown.join(', ')}')` };
  return { ok: true, value: [...new Set(groups as UsageGroup[])] };
}
