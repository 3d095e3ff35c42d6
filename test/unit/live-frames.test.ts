// The `next` frames the fan-out writes to a connection itself (kernel/ws-operations.ts nextFrame,
// sendNext): the same message graphql-ws would send, framed as ws would frame it, read back by ws's own
// Receiver; and a subscriber whose connection stops taking data waits for its `drain`, then sends what
// waited, in order, without losing or repeating a message.
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { NextPayload, nextFrame, nextMessage, sendNext, writesFramesDirectly } from '../../src/kernel/ws-operations.js';
import { LiveSubscriber } from '../../src/live/subscriber.js';

type FrameReader = { on(e: 'message', f: (data: Buffer, isBinary: boolean) => void): void; write(b: Buffer): void };
// ws's frame parser (exported by ws at runtime, not in its type declarations).
const { Receiver } = ws as unknown as { Receiver: new (o: { isServer: boolean }) => FrameReader };

/** The text messages ws's client-side Receiver reads from `frames`. */
function receive(...frames: Buffer[]): string[] {
  const out: string[] = [];
  const r = new Receiver({ isServer: false });
  r.on('message', (data: Buffer, isBinary: boolean) => out.push(isBinary ? '<binary>' : String(data)));
  for (const f of frames) r.write(f);
  return out;
}

describe('next frames written directly', () => {
  const payloads = [
    JSON.stringify({ data: { orderEvents: { type: 'STATUS_CHANGED', order: { status: 'ON_HOLD' } } } }), // < 126 bytes
    JSON.stringify({ data: { x: 'Grüße, 東京 — ünïcödé 😀'.repeat(20) } }), // 126…65,535 bytes, multi-byte
    JSON.stringify({ data: { x: 'y'.repeat(70_000) } }), // > 65,535 bytes: 8-byte length
  ];
  const ids = ['7f1c2a9e-4b7d-4a63-9a55-0c3e1f8b2d41', 'raw "1"', 'back\\slash', 'tab\there', 'ünï', 'emoji 😀'];

  it('are the bytes of nextMessage (what graphql-ws sends), framed as ws frames a text message', () => {
    for (const json of payloads) {
      for (const id of ids) {
        const frame = nextFrame(id, new NextPayload(json));
        const text = nextMessage(id, json);
        expect(text).toBe(JSON.stringify({ id, type: 'next', payload: JSON.parse(json) }));
        const body = Buffer.from(text);
        const header = body.length < 126 ? 2 : body.length < 65_536 ? 4 : 10;
        expect(frame.length).toBe(header + body.length);
        expect(frame[0]).toBe(0x81);
        expect(frame.subarray(header).equals(body)).toBe(true);
        expect(receive(frame)).toEqual([text]);
      }
    }
  });

  it('go to the connection only for a server-side ws socket without extensions', () => {
    const sink = { writable: true, write: () => true, once: () => undefined };
    expect(writesFramesDirectly({ readyState: 1, send: () => {} })).toBe(false);
    expect(writesFramesDirectly(Object.assign({ readyState: 1, send: () => {} }, { _socket: sink, _isServer: true, extensions: '' }))).toBe(true);
    expect(writesFramesDirectly(Object.assign({ readyState: 1, send: () => {} }, { _socket: sink, _isServer: true, extensions: 'permessage-deflate' }))).toBe(false);
    expect(writesFramesDirectly(Object.assign({ readyState: 1, send: () => {} }, { _socket: sink, _isServer: false, extensions: '' }))).toBe(false);
  });

  it('a subscriber waits for its connection to drain, then sends what waited, in order', () => {
    const written: Buffer[] = [];
    const drains: (() => void)[] = [];
    const sink = { writable: true, full: false, write(b: Buffer) { written.push(b); return !this.full; }, once(_e: 'drain', f: () => void) { drains.push(f); } };
    const sent: string[] = [];
    const socket = Object.assign({ readyState: 1, send: (d: string) => sent.push(d) }, { _socket: sink, _isServer: true, extensions: '' });
    const s = new LiveSubscriber<never>({ kind: 'anonymous' }, undefined, 8, () => {}, { id: 'op', socket, direct: writesFramesDirectly(socket), audience: {} as never });
    const p = (n: number) => new NextPayload(JSON.stringify({ data: { n } }));

    s.send(p(1)); // taken at once
    sink.full = true;
    s.send(p(2)); // handed over, but the connection is full: wait for drain
    s.send(p(3));
    s.send(p(4));
    expect(receive(...written).map((m) => JSON.parse(m).payload.data.n)).toEqual([1, 2]);
    expect(drains).toHaveLength(1);
    sink.full = false;
    drains.shift()!();
    s.send(p(5));
    expect(receive(...written).map((m) => JSON.parse(m).payload.data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(drains).toHaveLength(0);
    expect(sent).toEqual([]); // nothing went through ws's send
    expect(s.closed).toBe(false);
  });

  it('without a direct connection, goes through the socket’s send with the same text', () => {
    const sent: string[] = [];
    const json = payloads[1];
    const taken = sendNext({ readyState: 1, send: (d: string) => sent.push(d) }, false, 'a', new NextPayload(json), () => {});
    expect(taken).toBe(false); // ws calls back once it took it
    expect(sent).toEqual([nextMessage('a', json)]);
  });
});

describe('the old generation while many subscribers are open', () => {
  it('is held within GROWING_PERCENT of what is live from MANY subscribers, and let go below FEW', async () => {
    const { FEW, MANY, subscribersChanged, tightHeap } = await import('../../src/live/heap-headroom.js');
    expect(tightHeap()).toBe(false);
    for (let i = 0; i < MANY; i++) subscribersChanged(1);
    expect(tightHeap()).toBe(true);
    for (let i = 0; i < MANY - FEW; i++) subscribersChanged(-1);
    expect(tightHeap()).toBe(true); // between FEW and MANY: as it was
    for (let i = 0; i < FEW; i++) subscribersChanged(-1);
    expect(tightHeap()).toBe(false);
  });
});
