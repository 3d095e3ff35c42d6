// What an export leaves behind in the heap while it streams. Every chunk written to a socket leaves a
// little old-generation garbage (write requests and the chunk's buffers outlive the young collections
// that run while the next batch is read), which V8 frees only in a full collection — and it starts one
// only once the old generation has grown to a multiple (1.5 to 4) of what the last one left live. A
// 200,000-order export (26 MB of CSV) left about 17 MB that way, so a million orders would grow resident
// memory by some 90 MB before the first full collection (bench/export.mjs; --trace-gc shows it). While an
// export streams, it holds the kernel's tight limit (kernel/heap-headroom.ts), as many live subscribers do.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { heapHeldTight, holdHeapTight } from '../kernel/heap-headroom.js';

/** At most one forced full collection per this many ms (exports started in a burst share one). */
const FORCE_EVERY_MS = 60_000;
let forcedAt = -Infinity;

/**
 * One full collection, so that the new limit counts from now: V8 reads --heap-growing-percent when a full
 * collection ends, and the limit the last one set (at start-up, say) would otherwise stand for the whole
 * export. `gc` of a fresh context, exposed for the call: a pause of the whole process (about 100 ms on an
 * engine's 60 MB heap), so at most once a minute.
 */
function collectNow(): void {
  const now = Date.now();
  if (now - forcedAt < FORCE_EVERY_MS) return;
  forcedAt = now;
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** An export started streaming in this process: the returned function says it ended (once). */
export function exportStreaming(): () => void {
  const wasTight = heapHeldTight();
  const release = holdHeapTight();
  if (!wasTight) collectNow();
  return release;
}
