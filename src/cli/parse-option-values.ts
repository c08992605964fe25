import { InvalidArgumentError } from 'commander';
import { parseDecimalMicros } from '../core/parse-decimal-micros.ts';
import { parseIsoTime } from '../core/parse-iso-time.ts';
import { parseUsageGroups, type UsageGroup } from '../usage/parse-usage-groups.ts';

/**
 * Readers of the CLI's option values, for commander's `argParser`: a bad value stops the command
 * with commander's own message naming the option, before the store is opened.
 */

/**
 * What `none`, `never` and `all` read as: the setting is removed. Commander turns a parser's null
 * into an empty string, so removal travels as this marker and becomes null in `settingOf`.
 */
export const REMOVED = Symbol('removed');
export type Removable<Value> = Value | typeof REMOVED;

/** An option's value as the service takes it: undefined when left out, null when removed. */
export function settingOf<Value>(value: Removable<Value> | undefined): Value | null | undefined {
  return value === REMOVED ? null : value;
}

/** `--rpm 600`: a whole number of at least 1, or `none` to remove the limit. */
export function parseLimitOption(value: string): Removable<number> {
  if (value === 'none') return REMOVED;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < 1) {
    throw new InvalidArgumentError('Expected a whole number of at least 1, or none.');
  }
  return Number(value);
}

/** `--amount 12.5`, `--budget 20`: credits as a decimal (at most 6 decimals), read into micro-credits without floating point. */
export function parseCreditsOption(value: string): number {
  const parsed = parseDecimalMicros(value);
  if (!parsed.ok) throw new InvalidArgumentError(`Expected an amount of credits: ${parsed.error}.`);
  return parsed.value;
}

/** `--budget none` removes a budget (keys update). */
export function parseBudgetOption(value: string): Removable<number> {
  return value === 'none' ? REMOVED : parseCreditsOption(value);
}

const DURATION_UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--expires 2026-01-01T00:00:00Z`, `--expires 30d` (also `12h`, `90m`) from now, or `never`. */
export function parseExpiryOption(value: string): Removable<string> {
  if (value === 'never') return REMOVED;
  const duration = /^(\d+)([mhd])$/.exec(value);
  if (duration) return new Date(Date.now() + Number(duration[1]) * DURATION_UNITS_MS[duration[2]]).toISOString();
  const time = parseIsoTime(value);
  if (!time.ok) throw new InvalidArgumentError('Expected an ISO 8601 time (2026-01-31T00:00:00Z), a duration from now (30d, 12h, 90m) or never.');
  return time.value;
}

/** `--from 2026-01-01`: an ISO 8601 date or time. */
export function parseTimeOption(value: string): string {
  const time = parseIsoTime(value);
  if (!time.ok) throw new InvalidArgumentError(`${time.error}.`);
  return time.value;
}

/** `--group-by day,model`. */
export function parseUsageGroupsOption(value: string): UsageGroup[] {
  const groups = parseUsageGroups(value);
  if (!groups.ok) throw new InvalidArgumentError(`${groups.error}.`);
  return groups.value;
}

/** `--models gpt-5-mini,grok-4`, or `all` to lift the restriction. */
export function parseModelListOption(value: string): Removable<string[]> {
  if (value === 'all') return REMOVED;
  const models = value.split(',').map((model) => model.trim()).filter((model) => model !== '');
  if (models.length === 0) throw new InvalidArgumentError('Expected model ids separated by commas, or all.');
  return models;
}
