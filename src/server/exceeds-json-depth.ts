/**
 * Whether a parsed JSON value nests objects and arrays deeper than `limit` levels. Iterative, so a
 * hostile body cannot overflow the stack here; bodies within the limit are then safe for every
 * recursive walk behind it (reservation bound, decoders, token estimates).
 */
export function exceedsJsonDepth(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
