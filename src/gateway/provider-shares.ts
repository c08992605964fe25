/**
 * A fair share of each provider's connections per organization: one organization's requests in
 * flight to a provider may hold at most `share` of its connections (at least one), so its long
 * streams can never take every connection and keep another organization's request from its first
 * byte. In memory, per instance (each instance has its own connection pools).
 */
export class ProviderShares {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: { connectionsPerProvider: number; share: number }) {}

  /** The most requests one organization may have in flight to one provider. */
  get limit(): number {
    return Math.max(1, Math.floor(this.options.connectionsPerProvider * this.options.share));
  }

  /** Takes a place for the organization's request to the provider; returns its release, or undefined when the organization is at its share. */
  take(provider: string, organizationId: string): (() => void) | undefined {
    const key = `${provider}\u0000${organizationId}`;
    const held = this.inFlight.get(key) ?? 0;
    if (held >= this.limit) return undefined;
    this.inFlight.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
  }
}
