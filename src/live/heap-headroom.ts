// How much garbage V8 lets the old generation hold while this process serves many live subscribers.
//
// V8 collects the old generation once it has grown to a multiple of what the last full collection left
// live (a factor of about 1.5 to 4, chosen from how fast it collects). With thousands of open
// subscriptions most of the heap is long-lived connection state (about 10 kB a socket: ws, graphql-ws,
// Node's socket and stream objects), and every event, request and keep-alive ping leaves a little
// old-generation garbage behind (write requests, timers, per-request objects). With 10,000 sockets that
// was 150 MB live and a limit far above it: resident memory grew round after round, towards the limit,
// before any full collection. While the process holds MANY or more subscribers, the limit is set 10 %
// above what is live (V8's --heap-growing-percent, read at every full collection): an incremental,
// mostly concurrent full collection for every ~15 MB of garbage (about every 25 events with 10,000
// sockets), and the heap stays level. Below FEW it goes back to V8's own factor, so that processes without
// subscribers (workers, a plain API) are not affected. (bench/subscriptions.mjs; --trace-gc through its
// --node-flags shows the collections.)
//
// Process-wide by nature (one V8 heap per process): the count is of every engine's subscribers in it.
import { setFlagsFromString } from 'node:v8';

export const MANY = 1_000;
export const FEW = 500;
export const GROWING_PERCENT = 10;

let open = 0;
let tight = false;

/** Whether the tighter limit is in force now (tests and the benchmark read it). */
export function tightHeap(): boolean {
  return tight;
}

/** A subscriber opened (+1) or ended (-1) in this process. */
export function subscribersChanged(delta: 1 | -1): void {
  open += delta;
  if (!tight && open >= MANY) {
    tight = true;
    setFlagsFromString(`--heap-growing-percent=${GROWING_PERCENT}`);
  } else if (tight && open < FEW) {
    tight = false;
    setFlagsFromString('--heap-growing-percent=0');
  }
}
