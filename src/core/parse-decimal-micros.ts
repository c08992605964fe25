import type { ParseResult } from './parse-json.ts';

const DECIMALS = 6;

/**
 * A decimal amount ("12.5", "0.000001") as an integer number of millionths (1 credit =
 * 1,000,000 micro-credits), read from its digits so binary floating point never touches money:
 * `0.1 + 0.2` style errors cannot creep into a balance. Signs, exponents and more than six
 * decimals are refused, as is an amount too large to count exactly.
 */
export function parseDecimalMicros(text: string): ParseResult<number> {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return { ok: false, error: `'${text}' is not a decimal amount such as 12.5` };
  const [, whole, fraction = ''] = match;
  if (fraction.length > DECIMALS) return { ok: false, error: `'${text}' has more than ${DECIMALS} decimals (the smallest amount is 0.000001)` };
  const micros = Number(`${whole}${fraction.padEnd(DECIMALS, '0')}`);
  if (!Number.isSafeInteger(micros)) return { ok: false, error: `'${text}' is too large` };
  return { ok: true, value: micros };
}
