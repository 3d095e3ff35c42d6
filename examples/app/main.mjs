#!/usr/bin/env node
// @ts-check
// A customer's phone, in a terminal: signs in, shows the orders, and follows them live over graphql-ws.
// When the connection drops it says so, reconnects, and catches up on what changed meanwhile by reading
// the order list again (events sent while it was away are not replayed by the engine).
//
//   node main.mjs --url http://localhost:4000/graphql --email ann@example.com --password '…'
//
// Exit codes: 0 stopped (Ctrl-C), 1 something else went wrong, 2 the session is gone: sign in again.
import { readSettings, UsageError } from './settings.mjs';
import { EngineError, OfflineError, login, myOrders, MY_ORDER_EVENTS } from './engine-api.mjs';
import { OrderScreen } from './order-screen.mjs';
import { followLive } from './live-feed.mjs';

/** The engine registers a subscription a moment after the client sends it; the list is read after that, so no change falls between the two. */
const SETTLE_MS = 300;

const say = (/** @type {string} */ line) => console.log(line);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @type {ReturnType<typeof followLive> | null} */
let feed = null;

/** @param {number} code @param {string} [line] @returns {Promise<never>} */
async function quit(code, line) {
  if (line) (code === 1 ? console.error : console.log)(line);
  await feed?.stop().catch(() => {});
  process.exit(code);
}

/** @type {import('./settings.mjs').Settings} */
let settings;
try {
  settings = readSettings();
} catch (e) {
  if (e instanceof UsageError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

/** Signs in with the password, or takes the token kept from last time. Waits for the network if need be. */
async function signIn() {
  if (settings.token) return settings.token;
  for (let attempt = 0; ; attempt++) {
    try {
      const { token, email } = await login(settings.url, settings.email ?? '', settings.password ?? '');
      say(`signed in as ${email}`);
      return token;
    } catch (e) {
      if (e instanceof EngineError) return quit(2, `sign-in failed: ${e.message}`);
      if (!(e instanceof OfflineError)) throw e;
      if (attempt === 0) say(`offline (${e.message}) — retrying…`);
      await sleep(Math.min(settings.retryMaxMs, 500 * 2 ** attempt));
    }
  }
}

const token = await signIn();
const screen = new OrderScreen(say);

// Events that arrive while the list is being read wait for it, then go through the screen's de-duplication.
/** @type {any[] | null} */
let held = null;
let firstList = true;
let syncs = 0;

/** Reads the order list: the first time to show it, after a reconnection to show what changed. */
async function sync() {
  const mine = ++syncs;
  held ??= [];
  await sleep(SETTLE_MS);
  for (let attempt = 0; ; attempt++) {
    if (mine !== syncs) return; // a newer reconnection started its own
    try {
      const { orders } = await myOrders(settings.url, token);
      if (mine !== syncs) return;
      if (firstList) {
        screen.list(orders);
        firstList = false;
      } else {
        const n = screen.catchUp(orders);
        say(`back online, caught up on ${n} change${n === 1 ? '' : 's'}`);
      }
      break;
    } catch (e) {
      if (e instanceof EngineError) {
        if (e.code === 'UNAUTHENTICATED' || e.code === 'FORBIDDEN') return quit(2, `your session has ended (${e.message}) — please log in again`);
        return quit(1, `could not read the orders: ${e.code}: ${e.message}`);
      }
      if (!(e instanceof OfflineError)) throw e;
      if (!feed?.online) return; // the feed is reconnecting: it reads the list again when it is back
      await sleep(Math.min(settings.retryMaxMs, 500 * 2 ** attempt));
    }
  }
  const waiting = held ?? [];
  held = null;
  for (const e of waiting) screen.event(e);
}

feed = followLive({
  wsUrl: settings.wsUrl,
  token,
  retryMaxMs: settings.retryMaxMs,
  query: MY_ORDER_EVENTS,
  onData: (data) => {
    if (held) held.push(data.myOrderEvents);
    else screen.event(data.myOrderEvents);
  },
  onOnline: () => void sync().catch((e) => quit(1, `could not read the orders: ${e instanceof Error ? e.message : e}`)),
  onOffline: (why) => say(`reconnecting… (${why})`),
  onSignInAgain: (why) => void quit(2, `your session has ended (${why}) — please log in again`),
  onFatal: (why) => void quit(1, `stopped: ${why}`),
});

for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(sig, () => void quit(0));
