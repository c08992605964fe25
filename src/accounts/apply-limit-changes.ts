import type { KeyLimits } from '../store/store.ts';
import { AccountError } from './account-error.ts';

/** A change to limits: a number sets a limit, null removes it, an absent field leaves it as it is. */
export type LimitChanges<Limits> = { [Field in keyof Limits]?: Limits[Field] | null };

/** The admin API's names of the limit fields, used in error messages so they name what the caller sent. */
export const LIMIT_FIELD_NAMES: Record<keyof KeyLimits, string> = {
  requestsPerMinute: 'requests_per_minute',
  tokensPerMinute: 'tokens_per_minute',
  concurrentRequests: 'concurrent_requests',
  lifetimeBudget: 'lifetime_budget',
  monthlyBudget: 'monthly_budget',
};

/** Budgets may be 0 (nothing may be spent); a rate or concurrency limit of 0 would be a disabled organization, which has its own switch. */
const MINIMUM: Record<keyof KeyLimits, number> = {
  requestsPerMinute: 1,
  tokensPerMinute: 1,
  concurrentRequests: 1,
  lifetimeBudget: 0,
  monthlyBudget: 0,
};

/** The limits after a change, each one checked to be a whole number in range. */
export function applyLimitChanges<Limits extends Partial<KeyLimits>>(current: Limits, changes: LimitChanges<Limits>): Limits {
  const next: Partial<KeyLimits> = { ...current };
  for (const [field, value] of Object.entries(changes) as [keyof KeyLimits, number | null | undefined][]) {
    if (!(field in MINIMUM)) throw new AccountError('invalid', `Unknown limit '${field}'`, 'limits');
    if (value === undefined) continue;
    if (value === null) {
      delete next[field];
      continue;
    }
    if (!Number.isSafeInteger(value) || value < MINIMUM[field]) {
      throw new AccountError('invalid', `Limit ${LIMIT_FIELD_NAMES[field]} must be a whole number of at least ${MINIMUM[field]} (got ${value})`, `limits.${LIMIT_FIELD_NAMES[field]}`);
    }
    next[field] = value;
  }
  return next as Limits;
}
