// kernel/arrays.ts stands in for Array.prototype.flat and flatMap on hot paths (V8's are slow): the same
// elements in the same order, one level deep (nested arrays stay arrays). Rows never have holes, which
// flat() would skip.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { flatMapOf, flatten } from '../../src/kernel/arrays.js';

const value = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 3 }));

describe('flatten and flatMapOf', () => {
  it('give what flat() and flatMap() give', () => {
    fc.assert(fc.property(fc.array(fc.array(value, { maxLength: 40 }), { maxLength: 12 }), (lists) => {
      expect(flatten(lists)).toEqual(lists.flat());
      expect(flatMapOf(lists, (l, i) => (i % 2 ? l : [i, ...l]))).toEqual(lists.flatMap((l, i) => (i % 2 ? l : [i, ...l])));
    }));
  });

  it('flatten one level only, and leaves its input alone', () => {
    const rows: unknown[][] = [[1, [2, 3]], [], ['a', null]];
    const copy = JSON.parse(JSON.stringify(rows));
    expect(flatten(rows)).toEqual([1, [2, 3], 'a', null]);
    expect(rows).toEqual(copy);
  });
});
