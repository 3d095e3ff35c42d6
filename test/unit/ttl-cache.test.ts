// The reference-data cache: concurrent misses share one load, a clear() during a load keeps its older
// value out, and misses (null) are not kept.
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/kernel/ttl-cache.js';

const later = <T>(value: T, ms = 5) => new Promise<T>((r) => setTimeout(() => r(value), ms));

describe('TtlCache', () => {
  it('loads once for callers that miss at the same moment, then answers from memory', async () => {
    const cache = new TtlCache<string>(60_000);
    let loads = 0;
    const load = () => { loads++; return later('v1'); };
    expect(await Promise.all(Array.from({ length: 10 }, () => cache.get('k', load)))).toEqual(Array(10).fill('v1'));
    expect(await cache.get('k', load)).toBe('v1');
    expect(loads).toBe(1);
  });

  it('a clear() while a load runs: that load answers its callers but is not kept', async () => {
    const cache = new TtlCache<string>(60_000);
    const first = cache.get('k', () => later('old', 20));
    cache.clear();
    expect(await cache.get('k', () => later('new'))).toBe('new');
    expect(await first).toBe('old');
    expect(await cache.get('k', () => later('other'))).toBe('new');
  });

  it('keeps no miss and no failure', async () => {
    const cache = new TtlCache<string | null>(60_000);
    expect(await cache.get('k', () => later(null))).toBeNull();
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', () => later('v'))).toBe('v');
  });

  it('peek answers a fresh value only: nothing before the load, nothing after the TTL or a clear()', async () => {
    const cache = new TtlCache<string>(40);
    expect(cache.peek('k')).toBeUndefined();
    const loading = cache.get('k', () => later('v1'));
    expect(cache.peek('k')).toBeUndefined(); // a load under way is not a value yet
    await loading;
    expect(cache.peek('k')).toBe('v1');
    await later(null, 60);
    expect(cache.peek('k')).toBeUndefined();
    await cache.get('k', () => later('v2'));
    cache.clear();
    expect(cache.peek('k')).toBeUndefined();
    // A cache that keeps nothing (ORDO_REFERENCE_CACHE_MS=0) never answers from memory.
    const none = new TtlCache<string>(0);
    await none.get('k', () => later('v'));
    expect(none.peek('k')).toBeUndefined();
  });
});
