// Keep-alive of WebSocket connections (src/kernel/ws-keepalive.ts): the server pings each socket every
// ORDO_WS_KEEPALIVE_MS; a client that answers stays connected however long it is idle, one that stopped
// answering (a phone gone out of reach without closing) is cut off within two intervals, and a
// socket that answers keeps carrying operations. Against the compiled server process,
// with raw `ws` clients speaking graphql-transport-ws, so that answering pings can be turned off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnEngine, type SpawnedEngine } from '../helpers/spawn.js';

const INTERVAL = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Peer {
  socket: WebSocket;
  pings: number;
  /** Milliseconds from opening to the close, once closed. */
  closedAfter?: number;
  closeCode?: number;
  messages: { type: string; id?: string; payload?: any }[];
}

/** A graphql-transport-ws connection, acknowledged; `autoPong: false` makes it a peer that never answers pings. */
async function connect(url: string, autoPong: boolean): Promise<Peer> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
  const peer: Peer = { socket, pings: 0, messages: [] };
  const opened = Date.now();
  socket.on('ping', () => peer.pings++);
  socket.on('close', (code) => {
    peer.closedAfter = Date.now() - opened;
    peer.closeCode = code;
  });
  socket.on('message', (data) => peer.messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  for (let i = 0; i < 100 && !peer.messages.some((m) => m.type === 'connection_ack'); i++) await sleep(20);
  expect(peer.messages.map((m) => m.type)).toContain('connection_ack');
  return peer;
}

describe('WebSocket keep-alive (compiled server, SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-e2e-keepalive-'));
  let s: SpawnedEngine;

  beforeAll(async () => {
    s = await spawnEngine({
      ORDO_DATA_DIR: dataDir, ADMIN_API_KEY: 'e2e-keepalive-admin-key-0123456789', ORDO_SEED_DEMO: '0',
      ORDO_MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn', ORDO_WS_KEEPALIVE_MS: String(INTERVAL),
    });
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a client that answers pings stays connected; one that does not is closed within two intervals', async () => {
    const answering = await connect(s.wsUrl, true);
    const silent = await connect(s.wsUrl, false);
    await sleep(INTERVAL * 6);
    // Pinged about every interval, and still open.
    expect(answering.pings).toBeGreaterThanOrEqual(4);
    expect(answering.closedAfter).toBeUndefined();
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    // Pinged once, not answered, terminated (no close frame: 1006 on the client's side).
    expect(silent.pings).toBeGreaterThanOrEqual(1);
    expect(silent.closedAfter).toBeDefined();
    expect(silent.closedAfter!).toBeLessThanOrEqual(INTERVAL * 2 + 250);
    expect(silent.closeCode).toBe(1006);
    answering.socket.close();
  });

  it('a socket that answers still carries operations after rounds of pings', async () => {
    const peer = await connect(s.wsUrl, true);
    await sleep(INTERVAL * 4);
    peer.socket.send(JSON.stringify({ id: 'a', type: 'subscribe', payload: { query: '{ __typename }' } }));
    for (let i = 0; i < 100 && !peer.messages.some((m) => m.id === 'a' && m.type === 'complete'); i++) await sleep(20);
    expect(peer.messages.filter((m) => m.id === 'a')).toEqual([
      { id: 'a', type: 'next', payload: { data: { __typename: 'Query' } } },
      { id: 'a', type: 'complete' },
    ]);
    expect(peer.pings).toBeGreaterThanOrEqual(3);
    expect(peer.closedAfter).toBeUndefined();
    peer.socket.close();
  });
});
