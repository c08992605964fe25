import { formatMicros } from '../core/format-micros.ts';
import type { KeyLimits } from '../store/store.ts';

/** Limits as the CLI prints them, named like its options: `rpm 600, tpm unlimited, concurrency 4, budget 20 credits`. */
export function describeLimits(limits: KeyLimits, options: { budgets: boolean }): string {
  const parts = [
    `rpm ${limits.requestsPerMinute ?? 'unlimited'}`,
    `tpm ${limits.tokensPerMinute ?? 'unlimited'}`,
    `concurrency ${limits.concurrentRequests ?? 'unlimited'}`,
  ];
  if (options.budgets) {
    parts.push(`budget ${limits.lifetimeBudget === undefined ? 'unlimited' : `${formatMicros(limits.lifetimeBudget)} credits`}`);
    parts.push(`monthly budget ${limits.monthlyBudget === undefined ? 'unlimited' : `${formatMicros(limits.monthlyBudget)} credits`}`);
  }
  return parts.join(', ');
}
