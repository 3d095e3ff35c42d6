// Cycle counts on both databases (docs/stock-control.md): a SKU's variance is against its on-hand when
// it was recorded, so orders shipping between recording and applying are not counted twice (scripted
// interleavings at an automated location, which ships by itself); a decrease below the reserved units
// refuses the whole count; bad input answers clear codes and changes nothing; the ledger adds up after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop, snapshot } from '../helpers/fixtures.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { settled } from '../helpers/settled.js';

const START = `mutation($l: String!, $s: [String!]!) { startStockCount(locationCode: $l, skus: $s) { id status location { code } lines { sku counted } } }`;
const RECORD = `mutation($c: ID!, $s: String!, $n: Int!) { recordStockCount(countId: $c, sku: $s, counted: $n) { sku counted onHandAtCount variance } }`;
const VARIANCE = `query($c: ID!) { stockCountVariance(countId: $c) { count { status } lines { sku counted onHandAtCount variance applied } uncounted net } }`;
const APPLY = `mutation($c: ID!, $k: String) { applyStockCount(countId: $c, idempotencyKey: $k) { id status endedAt lines { sku applied } } }`;
const CANCEL = `mutation($c: ID!) { cancelStockCount(countId: $c) { status } }`;

describe.each(DB_KINDS)('stock counts on %s', (kind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'store', priority: 10 }],
      variants: [
        { sku: 'C1', price: 100, stock: { auto: 10 } },
        { sku: 'C2', price: 100, stock: { auto: 5 } },
        { sku: 'C3', price: 100, stock: { auto: 3 } },
        { sku: 'S1', price: 100, stock: { store: 4 } },
      ],
    });
  });
  afterAll(async () => t?.stop());

  const onHand = async (sku: string, code: string) =>
    Number((await t.sql('SELECT sl.on_hand FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?', [sku, code]))[0]?.on_hand ?? 0);
  const ship = async (sku: string, quantity: number) => {
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }]) }));
    await settled(t); // the automated location has walked it to SHIPPED
  };

  it('books each variance against the on-hand when it was counted, with orders shipping in between', async () => {
    const count = ok(await t.admin(START, { l: 'auto', s: ['C1', 'C2', 'C3'] })).startStockCount;
    expect(count).toMatchObject({ status: 'OPEN', location: { code: 'auto' } });

    await ship('C1', 2); // before C1 is counted: the count sees 8
    expect(await onHand('C1', 'auto')).toBe(8);
    expect(ok(await t.admin(RECORD, { c: count.id, s: 'C1', n: 7 })).recordStockCount).toEqual({ sku: 'C1', counted: 7, onHandAtCount: 8, variance: -1 });
    await ship('C1', 3); // after it was counted: these 3 are not "missing" again
    ok(await t.admin(RECORD, { c: count.id, s: 'C2', n: 6 })); // 5 on hand: one found
    await ship('C2', 1);
    // Counted again: the last record counts, with a new snapshot (4 on hand, 5 counted).
    expect(ok(await t.admin(RECORD, { c: count.id, s: 'C2', n: 5 })).recordStockCount).toEqual({ sku: 'C2', counted: 5, onHandAtCount: 4, variance: 1 });
    await ship('C2', 2);

    const v = ok(await t.admin(VARIANCE, { c: count.id })).stockCountVariance;
    expect(v).toMatchObject({ count: { status: 'OPEN' }, uncounted: ['C3'], net: 0 });
    expect(v.lines.map((l: any) => [l.sku, l.variance, l.applied])).toEqual([['C1', -1, null], ['C2', 1, null]]);

    const before = Number((await t.sql('SELECT COUNT(*) AS n FROM stock_movement'))[0].n);
    const applied = ok(await t.admin(APPLY, { c: count.id, k: `apply-${count.id}` })).applyStockCount;
    expect(applied.status).toBe('APPLIED');
    expect(applied.lines).toEqual([{ sku: 'C1', applied: -1 }, { sku: 'C2', applied: 1 }, { sku: 'C3', applied: null }]);
    expect(await onHand('C1', 'auto')).toBe(10 - 2 - 3 - 1);
    expect(await onHand('C2', 'auto')).toBe(5 - 1 - 2 + 1);
    expect(await onHand('C3', 'auto')).toBe(3); // uncounted: left alone
    const moved = await t.sql(`SELECT sku, delta FROM stock_movement WHERE reason = 'COUNT' ORDER BY sku`);
    expect(moved.map((m) => [m.sku, Number(m.delta)])).toEqual([['C1', -1], ['C2', 1]]);

    // The same key again answers the count and books nothing; another apply or record is refused.
    expect(ok(await t.admin(APPLY, { c: count.id, k: `apply-${count.id}` })).applyStockCount.status).toBe('APPLIED');
    expect(Number((await t.sql('SELECT COUNT(*) AS n FROM stock_movement'))[0].n)).toBe(before + 2);
    expect(codeOf(await t.admin(APPLY, { c: count.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(RECORD, { c: count.id, s: 'C1', n: 1 }))).toBe('INVALID_STATE_TRANSITION');
    await settled(t);
    await expectReconciled(t);
  });

  it('refuses a count that would take on-hand below what orders hold, all of it, and applies once recounted', async () => {
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'S1', quantity: 3 }]) })); // staffed store: 3 stay reserved
    await settled(t);
    const count = ok(await t.admin(START, { l: 'store', s: ['S1', 'C3'] })).startStockCount;
    ok(await t.admin(RECORD, { c: count.id, s: 'C3', n: 2 })); // 0 on hand at the store: +2
    ok(await t.admin(RECORD, { c: count.id, s: 'S1', n: 2 })); // 4 on hand, 3 reserved: -2 would leave 2
    const before = await snapshot(t);
    const refused = await t.admin(APPLY, { c: count.id, k: 'apply-store' });
    expect(codeOf(refused)).toBe('INSUFFICIENT_STOCK');
    expect(refused.errors![0].extensions!.sku).toBe('S1');
    expect(await snapshot(t)).toEqual(before);
    expect(await onHand('C3', 'store')).toBe(0);
    expect(ok(await t.admin(VARIANCE, { c: count.id })).stockCountVariance.count.status).toBe('OPEN');

    ok(await t.admin(RECORD, { c: count.id, s: 'S1', n: 4 }));
    expect(ok(await t.admin(APPLY, { c: count.id, k: 'apply-store-2' })).applyStockCount.status).toBe('APPLIED');
    expect(await onHand('S1', 'store')).toBe(4);
    expect(await onHand('C3', 'store')).toBe(2);
    await settled(t);
    await expectReconciled(t);
  });

  it('answers bad input with clear codes and changes nothing', async () => {
    const count = ok(await t.admin(START, { l: 'auto', s: ['C1'] })).startStockCount;
    const lines = async () => t.sql('SELECT sku, counted, on_hand_at_count FROM stock_count_line WHERE count_id = ?', [count.id]);
    const before = [await snapshot(t), await lines()];

    const notInCount = await t.admin(RECORD, { c: count.id, s: 'C2', n: 1 });
    expect([codeOf(notInCount), fieldOf(notInCount)]).toEqual(['BAD_USER_INPUT', 'sku']);
    const negative = await t.admin(RECORD, { c: count.id, s: 'C1', n: -1 });
    expect([codeOf(negative), fieldOf(negative)]).toEqual(['BAD_USER_INPUT', 'counted']);
    expect(codeOf(await t.admin(RECORD, { c: 'cnt_none', s: 'C1', n: 1 }))).toBe('NOT_FOUND');
    expect(codeOf(await t.admin(VARIANCE, { c: 'cnt_none' }))).toBe('NOT_FOUND');
    const nowhere = await t.admin(START, { l: 'nowhere', s: ['C1'] });
    expect([codeOf(nowhere), fieldOf(nowhere)]).toEqual(['BAD_USER_INPUT', 'locationCode']);
    const unknownSku = await t.admin(START, { l: 'auto', s: ['NOPE'] });
    expect([codeOf(unknownSku), fieldOf(unknownSku)]).toEqual(['BAD_USER_INPUT', 'skus']);
    // A key already used for another count (the refused first try of 'apply-store' kept no key: it rolled back).
    expect(codeOf(await t.admin(APPLY, { c: count.id, k: 'apply-store-2' }))).toBe('CONFLICT');
    expect([await snapshot(t), await lines()]).toEqual(before);

    expect(ok(await t.admin(CANCEL, { c: count.id })).cancelStockCount.status).toBe('CANCELLED');
    expect(codeOf(await t.admin(APPLY, { c: count.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(CANCEL, { c: count.id }))).toBe('INVALID_STATE_TRANSITION');
    await expectReconciled(t);
  });
});
