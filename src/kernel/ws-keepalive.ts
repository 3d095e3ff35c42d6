// Keep-alive of the WebSocket connections: every `intervalMs` each socket is pinged, and one that has not
// answered the previous ping by then is terminated (a peer gone without closing: a phone out of reach).
// graphql-ws's useServer does the same per socket: an interval timer each, and at every ping a second timer
// and a `once('pong')` listener. With 10,000 sockets that is 10,000 timers and closures made every 12 s,
// which live long enough to be promoted and die in the old generation (measured at 2 % of what a process
// with 10,000 subscribers allocates). Here there is one timer for the process: the sockets are spread over
// SLICES groups, and each tick pings one group, so the pings of 10,000 sockets are not all written at once.
// A socket that answered is remembered by its absence from `awaiting`; one listener per socket, shared.
import type { WebSocket, WebSocketServer } from 'ws';

/** Groups the sockets are spread over: one is pinged per tick, a tick every intervalMs / SLICES. */
const SLICES = 12;

export interface KeepAlive {
  stop(): void;
}

/**
 * Pings every socket of `server` each `intervalMs` and terminates those that did not answer the last ping
 * within it. 0 turns keep-alive off (as graphql-ws's `keepAlive` 0).
 */
export function keepAlive(server: WebSocketServer, intervalMs: number): KeepAlive {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) return { stop() {} };
  const slices: Set<WebSocket>[] = Array.from({ length: SLICES }, () => new Set());
  const sliceOf = new WeakMap<WebSocket, Set<WebSocket>>();
  /** Pinged and not answered yet. */
  const awaiting = new WeakSet<WebSocket>();
  let next = 0;

  function answered(this: WebSocket): void {
    awaiting.delete(this);
  }
  function closed(this: WebSocket): void {
    sliceOf.get(this)?.delete(this);
  }

  server.on('connection', (socket: WebSocket) => {
    // Joined to the emptiest group would cost a scan; in turn keeps them within one of each other, save closes.
    const slice = slices[next];
    next = (next + 1) % SLICES;
    slice.add(socket);
    sliceOf.set(socket, slice);
    socket.on('pong', answered);
    socket.once('close', closed);
  });

  let tick = 0;
  const timer = setInterval(() => {
    const slice = slices[tick];
    tick = (tick + 1) % SLICES;
    for (const socket of slice) {
      if (socket.readyState !== socket.OPEN) continue;
      if (awaiting.has(socket)) {
        // No pong since the last ping, a whole interval ago.
        slice.delete(socket);
        socket.terminate();
        continue;
      }
      awaiting.add(socket);
      socket.ping();
    }
  }, Math.max(1, Math.round(intervalMs / SLICES)));
  // Keep-alive alone does not keep a process running.
  timer.unref();

  return {
    stop() {
      clearInterval(timer);
    },
  };
}
