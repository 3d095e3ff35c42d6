// How much garbage V8 lets the old generation hold: one process-wide setting (one V8 heap per process)
// that several parts of the engine ask for without knowing of each other — live subscriptions while a
// process holds thousands of sockets (live/heap-headroom.ts), a CSV export while it streams
// (exports/export-heap.ts). V8 collects the old generation once it has grown to a multiple (about 1.5 to
// 4) of what the last full collection left live; while anyone holds the tight setting, the limit is
// GROWING_PERCENT above what is live (--heap-growing-percent, read at every full collection): an
// incremental, mostly concurrent full collection every few MB of garbage, and resident memory stays level.
// When the last holder lets go, V8's own factor is back.
import { setFlagsFromString } from 'node:v8';

export const GROWING_PERCENT = 10;

let holders = 0;

/** Whether the tight limit is in force now (tests and benchmarks read it). */
export function heapHeldTight(): boolean {
  return holders > 0;
}

/** Holds the tight limit until the returned function is called (once; later calls do nothing). */
export function holdHeapTight(): () => void {
  if (holders++ === 0) setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) setFlagsFromString('--heap-growing-percent=0');
  };
}
