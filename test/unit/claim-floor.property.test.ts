// The relay's claim floor (src/kernel/outbox/claim-floor.ts) against a model of PostgreSQL's outbox:
// transactions that draw event ids, get their transaction ids a moment later (less than GRACE_MS), and
// commit or roll back in any order and after any time; relay passes that see what was committed before
// their snapshot and claim the unpublished events above the floor, never from 0 again. Whatever the
// interleaving, every committed event is claimed by some pass once everything has ended: the floor never
// rises past an event that can still appear. Checked against the rule without its snapshot conditions too,
// which must lose events (so the model can tell).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClaimFloor, GRACE_MS, type ClaimSnapshot } from '../../src/kernel/outbox/claim-floor.js';

type Step =
  | { kind: 'begin' }
  | { kind: 'draw'; tx: number; gap: number }
  | { kind: 'end'; tx: number; commit: boolean }
  | { kind: 'pass' }
  | { kind: 'tick'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constant<Step>({ kind: 'begin' }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('draw' as const), tx: fc.nat(5), gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: GRACE_MS - 1 })) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('end' as const), tx: fc.nat(5), commit: fc.boolean() }), weight: 2 },
  { arbitrary: fc.constant<Step>({ kind: 'pass' }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 1500 })) }), weight: 2 },
);

interface Tx {
  xid: bigint | null;
  /** When its transaction id is assigned (the first row written): `gap` after its first id was drawn. */
  xidAt: number | null;
  ids: number[];
  state: 'running' | 'committed' | 'aborted';
}

/** A floor that moves to the highest id a complete pass saw, ignoring snapshots: what a naive relay does. */
class NaiveFloor {
  private floor = 0;
  start() {
    return { from: this.floor, token: 0 };
  }
  passed(snap: ClaimSnapshot) {
    this.floor = Math.max(this.floor, snap.top);
  }
}

/** Runs the steps, then ends every transaction and runs passes for a while: the committed events no pass claimed. */
function lost(steps: Step[], floor: { start(): { from: number; token: number }; passed(s: ClaimSnapshot, token: number, now: number): void }): number[] {
  let now = 0;
  let nextId = 1;
  let nextXid = 100n;
  const txs: Tx[] = [];
  const claimed = new Set<number>();
  const assignXids = () => {
    for (const t of txs) if (t.xid === null && t.xidAt !== null && t.xidAt <= now) t.xid = nextXid++;
  };
  const pass = () => {
    assignXids();
    const visible = txs.filter((t) => t.state === 'committed').flatMap((t) => t.ids);
    const running = txs.filter((t) => t.state === 'running' && t.xid !== null).map((t) => t.xid!);
    const xmin = running.length ? running.reduce((a, b) => (a < b ? a : b)) : nextXid;
    const { from, token } = floor.start();
    for (const id of visible) if (id > from) claimed.add(id);
    floor.passed({ top: visible.length ? Math.max(...visible) : 0, xmin, xmax: nextXid }, token, now);
  };
  for (const s of steps) {
    assignXids();
    if (s.kind === 'begin') txs.push({ xid: null, xidAt: null, ids: [], state: 'running' });
    else if (s.kind === 'tick') now += s.ms;
    else if (s.kind === 'pass') pass();
    else {
      const t = txs[s.tx % Math.max(1, txs.length)];
      if (!t || t.state !== 'running') continue;
      if (s.kind === 'draw') {
        t.ids.push(nextId++);
        t.xidAt ??= now + s.gap;
      } else {
        // A transaction that wrote gets its id before it ends.
        if (t.xidAt !== null && t.xid === null) t.xid = nextXid++;
        t.state = s.commit ? 'committed' : 'aborted';
      }
    }
  }
  for (const t of txs) if (t.state === 'running') t.state = 'committed';
  for (let i = 0; i < 5; i++) {
    now += GRACE_MS;
    pass();
  }
  return txs.filter((t) => t.state === 'committed').flatMap((t) => t.ids).filter((id) => !claimed.has(id));
}

describe('the outbox claim floor', () => {
  it('never rises past an event that can still be committed', () => {
    fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 80, size: 'max' }), (steps) => {
      expect(lost(steps, new ClaimFloor())).toEqual([]);
    }), { numRuns: 5000 });
  });

  it('waits for a transaction that drew a lower id and commits after higher ones were claimed', () => {
    // A draws 1, B draws 2 and commits, a pass claims 2; a second later A still runs; then A commits.
    const steps: Step[] = [
      { kind: 'begin' }, { kind: 'draw', tx: 0, gap: 0 }, { kind: 'begin' }, { kind: 'draw', tx: 1, gap: 0 }, { kind: 'end', tx: 1, commit: true },
      { kind: 'pass' }, { kind: 'tick', ms: 1500 }, { kind: 'pass' }, { kind: 'tick', ms: 1500 }, { kind: 'pass' }, { kind: 'end', tx: 0, commit: true },
    ];
    expect(lost(steps, new NaiveFloor())).toEqual([1]);
    expect(lost(steps, new ClaimFloor())).toEqual([]);
  });

  it('the model tells: a floor at the highest id seen loses events', () => {
    const losing = fc.sample(fc.array(step, { minLength: 1, maxLength: 80, size: 'max' }), 2000).filter((steps) => lost(steps, new NaiveFloor()).length > 0);
    expect(losing.length).toBeGreaterThan(0);
  });

  it('moves up under steady traffic', () => {
    const floor = new ClaimFloor();
    expect(floor.start().from).toBe(0);
    // Events committed as soon as drawn, a pass every 100 ms, nothing running between passes.
    let xid = 10n;
    for (let now = 0, top = 0; now <= 5_000; now += 100) {
      top += 20;
      xid += 3n;
      floor.passed({ top, xmin: xid, xmax: xid }, floor.start().token, now);
    }
    // A candidate's bar is read GRACE_MS after it: the floor is the top seen a second before (at 4,000 ms:
    // 41 passes of 20 events), skipping 820 of the 1,020 events.
    expect(floor.start().from).toBe(820);
    floor.rescan();
    expect(floor.start().from).toBe(0);
    // A rescan asked while a pass ran (a sweep) outlives that pass; the next pass after it clears it.
    const during = floor.start();
    floor.rescan();
    floor.passed({ top: 1_040, xmin: xid, xmax: xid }, during.token, 5_100);
    expect(floor.start().from).toBe(0);
    const next = floor.start();
    floor.passed({ top: 1_040, xmin: xid, xmax: xid }, next.token, 5_200);
    expect(floor.start().from).toBe(860); // the candidates of 4,100 and 4,200 ms passed meanwhile
  });
});
