import type { ParseResult } from './parse-json.ts';

/**
 * An ISO 8601 date or time (`2026-01-31`, `2026-01-31T12:00:00Z`) as a canonical ISO time in UTC.
 * Only text that starts like an ISO date is read: Date.parse alone takes "1" or "May 5" too.
 */
export function parseIsoTime(text: string): ParseResult<string> {
  const time = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(time)) return { ok: false, error: `'${text}' is not an ISO 8601 date or time such as 2026-01-31T00:00:00Z` };
  return { ok: true, value: new Date(time).toISOString() };
}
