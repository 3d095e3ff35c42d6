// A small per-process cache for reference data read on the hot path (channels, shipping methods, tax
// rates). A write in this process clears it at once; other processes see the change within the TTL.
export class TtlCache<V> {
  private entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly ttlMs: number) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = await load();
    // Misses are not cached: a thing created on another process is found on the next request.
    if (value !== null && value !== undefined && this.ttlMs > 0) this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
