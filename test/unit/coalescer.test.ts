// The coalescer (kernel/coalescer.ts): calls that arrive together run as one batch, each caller gets its
// own result, and one item's failure is its own caller's, not its neighbours'.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

  describe('serial: one batch at a time', () => {
    /** A run function that records its batches and how many ran at once, each taking `ms`. */
    const recorder = (ms: () => number) => {
      const seen = { batches: [] as number[][], running: 0, most: 0 };
      const run = async (xs: number[]) => {
        seen.batches.push(xs);
        seen.most = Math.max(seen.most, ++seen.running);
        await new Promise((r) => setTimeout(r, ms()));
        seen.running--;
        if (xs.includes(-1)) throw new Error('-1 is refused');
        return xs.map((x) => x * 2);
      };
      return { seen, run };
    };

    it('holds what arrives while a batch runs, then runs it at once as the next batch', async () => {
      const { seen, run } = recorder(() => 30);
      const c = new Coalescer<number, number>(run, { delayMs: 1, max: 100, serial: true });
      const first = c.add(1);
      await new Promise((r) => setTimeout(r, 10)); // the first batch runs now
      const later = [2, 3, 4].map((x) => c.add(x));
      expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
      expect(seen.batches).toEqual([[1], [2, 3, 4]]);
      expect(seen.most).toBe(1);
    });

    it('every call answered once with its own result, batches never overlap nor exceed max, a refused item fails alone', async () => {
      await fc.assert(fc.asyncProperty(
        fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 4 }), refused: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        async (calls, max, runMs) => {
          const { seen, run } = recorder(() => runMs);
          const c = new Coalescer<number, number>(run, { delayMs: 1, max, serial: true });
          const answers: Promise<PromiseSettledResult<number>>[] = [];
          for (const [i, call] of calls.entries()) {
            if (call.gapMs) await new Promise((r) => setTimeout(r, call.gapMs));
            const x = call.refused ? -1 : i + 1;
            answers.push(c.add(x).then((v) => ({ status: 'fulfilled', value: v }), (e) => ({ status: 'rejected', reason: e })));
          }
          const settled = await Promise.all(answers);
          settled.forEach((r, i) => {
            if (calls[i].refused) expect(r.status).toBe('rejected');
            else expect(r).toEqual({ status: 'fulfilled', value: (i + 1) * 2 });
          });
          expect(seen.most).toBe(1);
          expect(Math.max(...seen.batches.map((b) => b.length))).toBeLessThanOrEqual(max);
        },
      ), { numRuns: 40 });
    });
  });
});
