import type { LimitChanges } from '../../accounts/apply-limit-changes.ts';
import { GATEWAY_ERRORS } from '../../core/gateway-error.ts';
import { parseDecimalMicros } from '../../core/parse-decimal-micros.ts';
import type { KeyLimits } from '../../store/store.ts';
import type { KeyLimitsBody } from './admin-request-schemas.ts';

/** The body's `limits` (snake_case, budgets in decimal credits) as a change to the service's limits (micro-credits). */
export function decodeLimitChanges(limits: KeyLimitsBody): LimitChanges<KeyLimits> {
  return {
    requestsPerMinute: limits.requests_per_minute,
    tokensPerMinute: limits.tokens_per_minute,
    concurrentRequests: limits.concurrent_requests,
    lifetimeBudget: decodeAmount(limits.lifetime_budget, ['body', 'limits', 'lifetime_budget']),
    monthlyBudget: decodeAmount(limits.monthly_budget, ['body', 'limits', 'monthly_budget']),
  };
}

/** A decimal amount of credits from a body, in micro-credits; a 422 naming the field when it is not one. */
export function decodeAmount<Value extends string | number | null | undefined>(value: Value, loc: string[]): number | Exclude<Value, string | number> {
  if (value === null || value === undefined) return value as Exclude<Value, string | number>;
  // A JSON number is read through its shortest decimal form (12.5 → "12.5"), never by multiplying a float.
  const parsed = parseDecimalMicros(String(value));
  if (!parsed.ok) throw GATEWAY_ERRORS.validation([{ loc, msg: `Input should be an amount of credits: ${parsed.error}`, type: 'decimal_parsing' }]);
  return parsed.value;
}
