// The coalescer (kernel/coalescer.ts): calls that arrive together run as one batch, each caller gets its
// own result, and one item's failure is its own caller's, not its neighbours'.
import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/kernel/coalescer.js';

describe('Coalescer', () => {
  it('runs calls made together as one batch and answers each caller its own result', async () => {
    const batches: number[][] = [];
    const c = new Coalescer<number, number>(async (xs) => { batches.push(xs); return xs.map((x) => x * 10); }, { delayMs: 5, max: 100 });
    expect(await Promise.all([1, 2, 3].map((x) => c.add(x)))).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(await c.add(4)).toBe(40);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('runs a full batch at once, without waiting for the delay', async () => {
    const batches: number[][] = [];
    const c = new Coalescer<number, number>(async (xs) => { batches.push(xs); return xs; }, { delayMs: 60_000, max: 2 });
    expect(await Promise.all([c.add(1), c.add(2)])).toEqual([1, 2]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('a failing batch runs its items one by one: only the bad item fails', async () => {
    const batches: number[][] = [];
    const c = new Coalescer<number, number>(async (xs) => {
      batches.push(xs);
      if (xs.includes(13)) throw new Error('13 is refused');
      return xs.map((x) => x + 1);
    }, { delayMs: 5, max: 100 });
    const results = await Promise.allSettled([1, 13, 2].map((x) => c.add(x)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([2, '13 is refused', 3]);
    expect(batches[0]).toEqual([1, 13, 2]);
    expect(batches.slice(1).map((b) => b.length)).toEqual([1, 1, 1]);
  });
});
