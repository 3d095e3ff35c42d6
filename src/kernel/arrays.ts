// Flattening arrays on hot paths. V8's Array.prototype.flat and flatMap go through a generic
// FlattenIntoArray that checks and reads each element as a property (no fast path for plain arrays):
// 5 tables of 4 rows of 30 values took 130–180 µs with `tables.flatMap((t) => t.rows.flat())` against
// 3 µs with these loops (Node 20). placeOrder's inserts spent about 3 % of the engine's CPU in them.

/** The elements of every list, in order (`lists.flat()`). */
export function flatten<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i];
    for (let j = 0; j < list.length; j++) out.push(list[j]);
  }
  return out;
}

/** `items.flatMap(f)` where `f` returns an array. */
export function flatMapOf<A, T>(items: readonly A[], f: (item: A, index: number) => readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    const list = f(items[i], i);
    for (let j = 0; j < list.length; j++) out.push(list[j]);
  }
  return out;
}
