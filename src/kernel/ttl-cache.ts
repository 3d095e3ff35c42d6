// A small per-process cache for reference data read on the hot path (channels, shipping methods, tax
// rates, senders). A write in this process clears it at once; other processes see the change within the
// TTL. Callers that miss at the same moment (a worker's concurrent jobs after the TTL ran out) share one
// load instead of each reading the row.
export class TtlCache<V> {
  private entries = new Map<string, { value: V; until: number }>();
  private loading = new Map<string, Promise<V>>();
  /** Moves on at each clear(): a load that started before it does not put its (older) value back. */
  private generation = 0;
  constructor(private readonly ttlMs: number) {}

  /**
   * The value while it is fresh, else undefined: for hot paths that read it without making a promise
   * (`cache.peek(k) ?? await cache.get(k, load)`; on Node 20 each promise also costs the async hooks of the
   * request scope).
   */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > Date.now() ? hit.value : undefined;
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    // Only values are kept (never null or undefined), so undefined is a miss.
    const fresh = this.peek(key);
    if (fresh !== undefined) return fresh;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loaded = load().then((value) => {
      // Misses are not cached: a thing created on another process is found on the next request.
      if (generation === this.generation && value !== null && value !== undefined && this.ttlMs > 0) this.entries.set(key, { value, until: Date.now() + this.ttlMs });
      return value;
    }).finally(() => {
      if (this.loading.get(key) === loaded) this.loading.delete(key);
    });
    this.loading.set(key, loaded);
    return loaded;
  }

  clear(): void {
    this.entries.clear();
    this.loading.clear();
    this.generation++;
  }
}
