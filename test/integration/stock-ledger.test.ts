// The stock ledger on both databases: random sequences of every kind of change (receive, remove,
// reserve, release, ship out, restock, count, transfer) keep the invariants after each step: the
// movements of a SKU at a location add up to its onHand, 0 <= reserved <= onHand, and a refused change
// changes nothing. Plus the entry points later features build on (count, transfers) by example.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { setupShop } from '../helpers/fixtures.js';
import * as ledger from '../../src/inventory/stock-ledger.js';
import { StockMovementReason } from '../../src/inventory/stock-movement.entity.js';
import type { Em } from '../../src/kernel/db/orm.js';

describe.each(DB_KINDS)('stock ledger on %s', (kind) => {
  let t: TestEngine;
  let variantId: string;
  const locations: Record<string, string> = {};
  const SKU = 'LEDGER-1';

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, { locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }], variants: [{ sku: SKU, price: 100 }] });
    variantId = (await t.sql('SELECT id FROM product_variant WHERE sku = ?', [SKU]))[0].id;
    for (const l of await t.sql('SELECT id, code FROM stock_location')) locations[l.code] = l.id;
  });
  afterAll(async () => t?.stop());

  const at = (code: string) => ({ variantId, sku: SKU, locationId: locations[code] });
  const tx = <T,>(fn: (em: Em) => Promise<T>) => t.em().transactional(async (em) => {
    const r = await fn(em as Em);
    await em.flush();
    return r;
  });
  async function state() {
    const levels = await t.sql('SELECT location_id, on_hand, reserved FROM stock_level WHERE variant_id = ? ORDER BY location_id', [variantId]);
    const moved = await t.sql('SELECT location_id, SUM(delta) AS n FROM stock_movement WHERE sku = ? GROUP BY location_id', [SKU]);
    return { levels: levels.map((l) => ({ l: l.location_id, onHand: Number(l.on_hand), reserved: Number(l.reserved) })), moved: new Map(moved.map((m) => [m.location_id, Number(m.n)])) };
  }
  const checkInvariants = async () => {
    const s = await state();
    for (const l of s.levels) {
      expect(s.moved.get(l.l) ?? 0, `movements at ${l.l} add up to onHand`).toBe(l.onHand);
      expect(l.reserved).toBeGreaterThanOrEqual(0);
      expect(l.reserved).toBeLessThanOrEqual(l.onHand);
    }
    return s;
  };

  it('counts, transfers and restocks with their movements, and refuses what would go below the reserved units', async () => {
    await tx((em) => ledger.receive(em, at('wh-a'), 10, StockMovementReason.RECEIVED));
    const r = await tx((em) => ledger.reserve(em, variantId, 4));
    expect(r).toEqual({ allocations: [{ locationId: locations['wh-a'], quantity: 4 }], missing: 0 });
    expect(await tx((em) => ledger.count(em, at('wh-a'), 7, { note: 'cycle count' }))).toBe(-3);
    expect(await tx((em) => ledger.count(em, at('wh-a'), 7))).toBe(0);
    expect(await tx((em) => ledger.count(em, at('wh-a'), 3))).toBeNull(); // 4 are reserved
    expect(await tx((em) => ledger.transferOut(em, at('wh-a'), 3, { note: 'to wh-b' }))).not.toBeNull();
    expect(await tx((em) => ledger.transferOut(em, at('wh-a'), 1, { note: 'to wh-b' }))).toBeNull(); // 4 on hand, 4 reserved
    await tx((em) => ledger.transferIn(em, at('wh-b'), 3, { note: 'from wh-a' }));
    await tx((em) => ledger.restock(em, at('wh-b'), 1, { note: 'Return RMA-1' }));
    expect(await tx((em) => ledger.count(em, at('wh-b'), 0))).toBe(-4);
    const moves = await t.sql('SELECT reason, delta FROM stock_movement WHERE sku = ? ORDER BY id', [SKU]);
    expect(moves.map((m) => [m.reason, Number(m.delta)])).toEqual([
      ['RECEIVED', 10], ['COUNT', -3], ['TRANSFER_OUT', -3], ['TRANSFER_IN', 3], ['RETURNED', 1], ['COUNT', -4],
    ]);
    const s = await checkInvariants();
    expect(s.levels.find((l) => l.l === locations['wh-a'])).toMatchObject({ onHand: 4, reserved: 4 });
    await tx((em) => ledger.release(em, variantId, r.allocations));
  });

  it('keeps the ledger equal to the levels through random sequences of changes', async () => {
    const where = fc.constantFrom('wh-a', 'wh-b');
    const step = fc.oneof(
      fc.record({ op: fc.constant('receive'), at: where, q: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ op: fc.constant('remove'), at: where, q: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ op: fc.constant('reserve'), q: fc.integer({ min: 1, max: 15 }) }),
      fc.record({ op: fc.constant('release') }),
      fc.record({ op: fc.constant('ship') }),
      fc.record({ op: fc.constant('restock'), at: where, q: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ op: fc.constant('count'), at: where, q: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ op: fc.constant('transfer'), at: where, q: fc.integer({ min: 1, max: 10 }) }),
    );
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const held: ledger.Allocation[][] = [];
      for (const s of steps as any[]) {
        const before = await state();
        let refused = false;
        if (s.op === 'receive') await tx((em) => ledger.receive(em, at(s.at), s.q, StockMovementReason.RECEIVED));
        if (s.op === 'remove') refused = (await tx((em) => ledger.remove(em, at(s.at), s.q, StockMovementReason.DAMAGED))) === null;
        if (s.op === 'reserve') {
          const r = await tx((em) => ledger.reserve(em, variantId, s.q));
          if (r.missing) await tx((em) => ledger.release(em, variantId, r.allocations)); // not backorderable: give back
          else held.push(r.allocations);
        }
        if (s.op === 'release' && held.length) await tx((em) => ledger.release(em, variantId, held.shift()!));
        if (s.op === 'ship' && held.length) {
          const a = held.shift()!;
          for (const x of a) expect(await tx((em) => ledger.shipOut(em, { variantId, sku: SKU, locationId: x.locationId }, x.quantity, { note: 'shipment' }))).toBe(true);
        }
        if (s.op === 'restock') await tx((em) => ledger.restock(em, at(s.at), s.q, { note: 'return' }));
        if (s.op === 'count') refused = (await tx((em) => ledger.count(em, at(s.at), s.q))) === null;
        if (s.op === 'transfer') {
          const other = s.at === 'wh-a' ? 'wh-b' : 'wh-a';
          refused = !(await tx(async (em) => {
            if (!(await ledger.transferOut(em, at(s.at), s.q, { note: `to ${other}` }))) return false;
            await ledger.transferIn(em, at(other), s.q, { note: `from ${s.at}` });
            return true;
          }));
        }
        const after = await checkInvariants();
        if (refused) expect(after).toEqual(before);
      }
      for (const a of held) await tx((em) => ledger.release(em, variantId, a));
    }), { numRuns: kind === 'sqlite' ? 25 : 15 });
  });

  it('answers adjustStock through the ledger: the level and its movement over GraphQL', async () => {
    const r = ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: SKU, locationCode: 'wh-b', delta: 5, reason: 'RECEIVED' } }));
    expect(r.adjustStock.onHand).toBeGreaterThanOrEqual(5);
    await checkInvariants();
  });
});
