// The heap while this process serves many live subscribers. With thousands of open subscriptions most of
// the heap is long-lived connection state (about 10 kB a socket: ws, graphql-ws, Node's socket and stream
// objects), and every event, request and keep-alive ping leaves a little old-generation garbage behind
// (write requests, timers, per-request objects). With 10,000 sockets that was 150 MB live and V8's limit
// far above it: resident memory grew round after round, towards the limit, before any full collection.
// From MANY subscribers the process holds the kernel's tight limit (kernel/heap-headroom.ts: a full
// collection for every ~15 MB of garbage, about every 25 events with 10,000 sockets); below FEW it lets go,
// so that processes without subscribers (workers, a plain API) are not affected. (bench/subscriptions.mjs;
// --trace-gc through its --node-flags shows the collections.)
//
// Process-wide by nature: the count is of every engine's subscribers in it.
import { heapHeldTight, holdHeapTight } from '../kernel/heap-headroom.js';

export const MANY = 1_000;
export const FEW = 500;

let open = 0;
let release: (() => void) | null = null;

/** Whether the tight limit is in force now (tests and the benchmark read it). */
export function tightHeap(): boolean {
  return heapHeldTight();
}

/** A subscriber opened (+1) or ended (-1) in this process. */
export function subscribersChanged(delta: 1 | -1): void {
  open += delta;
  if (!release && open >= MANY) release = holdHeapTight();
  else if (release && open < FEW) {
    release();
    release = null;
  }
}
