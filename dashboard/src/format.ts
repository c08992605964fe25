import { formatMicros } from '../../src/core/format-micros.ts';

/** Numbers as the dashboard shows them. Money is formatted from integer micro-credits by the gateway's own formatMicros, never through a float. */

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : counts.format(value);
}

export function formatCredits(micros: number): string {
  return formatMicros(micros);
}

export function formatMilliseconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${counts.format(Math.round(value))} ms`;
}

export function formatPercent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${(Math.round((part / whole) * 1000) / 10).toString()}%`;
}

export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? String(value) : time.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A time in a table row: the time of day, and the date when it is not today. */
export function formatShortTime(value: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  const clock = time.toLocaleTimeString('en-GB');
  return time.toDateString() === new Date().toDateString() ? clock : `${time.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${clock}`;
}

/** An ISO time as a `datetime-local` input's value (local time, to the minute), and back. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return '';
  const local = new Date(time.getTime() - time.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}
