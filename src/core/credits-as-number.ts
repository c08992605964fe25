/**
 * A micro-credit amount as the JSON number of a `usage.cost` field, in credits. The amount is
 * an integer everywhere inside the gateway; only here, at the wire, does it become a number, and
 * JSON writes the shortest form that reads back to the same value — for six decimals, exactly the
 * decimal (1234 → 0.001234).
 */
export function creditsAsNumber(micros: number): number {
  return micros / 1_000_000;
}
