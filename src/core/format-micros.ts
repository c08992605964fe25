const MICROS_PER_UNIT = 1_000_000;

/** Millionths as a decimal string without trailing zeros: 12500000 → "12.5", -1 → "-0.000001". Integer arithmetic only. */
export function formatMicros(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const magnitude = Math.abs(micros);
  const remainder = magnitude % MICROS_PER_UNIT;
  // An exact multiple divides exactly; flooring a float quotient could round up near 2^53.
  const whole = (magnitude - remainder) / MICROS_PER_UNIT;
  const fraction = String(remainder).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
