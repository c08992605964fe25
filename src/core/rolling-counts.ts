/**
 * Counts over a rolling window cut in equal buckets: each count goes to the bucket of now, and the
 * buckets time has left behind are emptied before it. The window is `buckets` × `bucketMs` long.
 */
export class RollingCounts<Name extends string> {
  private readonly counts: Record<string, number[]> = {};
  private bucketIndex = 0;

  constructor(
    names: readonly Name[],
    private readonly buckets: number,
    private readonly bucketMs: number,
    private readonly now: () => number = Date.now,
  ) {
    for (const name of names) this.counts[name] = new Array<number>(buckets).fill(0);
  }

  add(name: Name): void {
    this.counts[name]![this.advance()]! += 1;
  }

  /** The count of the whole window. */
  total(name: Name): number {
    this.advance();
    return this.counts[name]!.reduce((sum, count) => sum + count, 0);
  }

  /** The count of the current bucket. */
  current(name: Name): number {
    return this.counts[name]![this.advance()]!;
  }

  /** The bucket of now, emptying those the window left behind. */
  private advance(): number {
    const index = Math.floor(this.now() / this.bucketMs);
    const passed = Math.min(index - this.bucketIndex, this.buckets);
    for (let step = 1; step <= passed; step += 1) {
      const slot = (this.bucketIndex + step) % this.buckets;
      for (const counts of Object.values(this.counts)) counts[slot] = 0;
    }
    if (passed > 0) this.bucketIndex = index;
    return index % this.buckets;
  }
}
