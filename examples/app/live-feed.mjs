// @ts-check
// The live connection: graphql-ws over `ws`, the session token in connectionParams. A phone loses its
// network all the time, so the feed reconnects forever (capped, randomised backoff) and says when it
// is back (`onOnline`), so that the caller can read what it missed. Close codes that no retry can
// fix end the feed: a refused token (4403, the engine's answer to a token it does not know) means
// "sign in again"; the others are bugs on one side or the other.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** The engine refuses the token of a connection with 4403 Forbidden; graphql-ws uses 4401 for "not acknowledged". */
export const SIGN_IN_AGAIN_CODES = new Set([4401, 4403]);
/** Error codes of a subscription that a new token is needed for. */
const SIGN_IN_AGAIN_ERRORS = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** How long the engine may take to answer a ping before the connection counts as dead. */
const PONG_TIMEOUT_MS = 5_000;
const PING_EVERY_MS = 10_000;

/**
 * @typedef {object} FeedOptions
 * @property {string} wsUrl
 * @property {string} token
 * @property {number} retryMaxMs
 * @property {string} query                       the subscription
 * @property {(data: any) => void} onData         one event's data
 * @property {(isReconnect: boolean) => void} onOnline
 * @property {(why: string) => void} onOffline    the connection dropped (or could not be made); it is being retried
 * @property {(why: string) => void} onSignInAgain
 * @property {(why: string) => void} onFatal
 */

/** @param {unknown} e @returns {e is { code: number, reason: string }} */
const isClose = (e) => typeof e === 'object' && e !== null && 'code' in e && 'reason' in e;

/** @param {FeedOptions} o */
export function followLive(o) {
  let stopped = false;
  let online = false;
  let everOnline = false;
  let offlineSaid = false;
  /** @type {NodeJS.Timeout | undefined} */
  let pongTimer;

  const client = createClient({
    url: o.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${o.token}` },
    retryAttempts: Infinity,
    // 0.5 s, 1 s, 2 s, … up to retryMaxMs, each randomised (so that a thousand phones do not come back at once).
    retryWait: (retries) => {
      const ms = Math.min(o.retryMaxMs, 500 * 2 ** retries) * (0.5 + Math.random() / 2);
      return new Promise((r) => setTimeout(r, ms));
    },
    // Network errors and closes are retried, except a refused token: retrying that would only be refused again.
    // (graphql-ws's default retries close events only: a refused connection, the engine mid-restart, would end the feed.)
    shouldRetry: (e) => !(isClose(e) && SIGN_IN_AGAIN_CODES.has(e.code)),
    // A connection can die without a close (a phone in a tunnel): ping, and give up on it without a pong.
    keepAlive: PING_EVERY_MS,
    on: {
      ping: (received) => {
        if (!received) pongTimer = setTimeout(() => client.terminate(), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer);
      },
      connected: () => {
        online = true;
        offlineSaid = false;
        const again = everOnline;
        everOnline = true;
        o.onOnline(again);
      },
      closed: (event) => {
        clearTimeout(pongTimer);
        online = false;
        if (stopped || offlineSaid) return;
        if (isClose(event) && SIGN_IN_AGAIN_CODES.has(event.code)) return; // the subscription's error says it
        offlineSaid = true;
        // 1001 "Going away": the engine is shutting down (a restart, a deploy). Anything else: the network.
        o.onOffline(isClose(event) && event.code === 1001 ? 'the engine went away' : 'connection lost');
      },
    },
  });

  const subscribe = () =>
    client.subscribe(
      { query: o.query },
      {
        next: (result) => {
          if (result.errors?.length) return failed(result.errors);
          o.onData(result.data);
        },
        error: failed,
        complete: () => {
          // The engine ended the subscription without an error: follow again (and catch up).
          if (!stopped) setTimeout(resubscribe, 1_000);
        },
      },
    );

  let unsubscribe = subscribe();
  const resubscribe = () => {
    if (stopped) return;
    unsubscribe();
    unsubscribe = subscribe();
    // On the same socket there is no new `connected`: catch up now (on a new socket, `connected` does).
    if (online) o.onOnline(true);
  };

  /** @param {unknown} err */
  function failed(err) {
    if (stopped) return;
    if (isClose(err)) {
      if (SIGN_IN_AGAIN_CODES.has(err.code)) return o.onSignInAgain(`the engine refused the session token (close code ${err.code})`);
      return o.onFatal(`the engine closed the connection: ${err.code} ${err.reason}`);
    }
    if (Array.isArray(err)) {
      const code = String(err[0]?.extensions?.code ?? '');
      const message = String(err[0]?.message ?? 'unknown error');
      if (SIGN_IN_AGAIN_ERRORS.has(code)) return o.onSignInAgain(message);
      // RATE_LIMITED: this phone fell too far behind and was dropped. Follow again; the catch-up fills the gap.
      if (code === 'RATE_LIMITED') return resubscribe();
      return o.onFatal(`${code || 'error'}: ${message}`);
    }
    o.onFatal(err instanceof Error ? err.message : String(err));
  }

  return {
    get online() {
      return online;
    },
    async stop() {
      stopped = true;
      clearTimeout(pongTimer);
      unsubscribe();
      await client.dispose();
    },
  };
}
