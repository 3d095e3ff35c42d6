// Property: whatever buyers do with checkout holds — hold a cart, give it up, let it run out, place an
// order with it (or with another cart than they held, or without one), cancel orders, receive stock — in
// whatever order, the stock ledger stays exact: every level's movements add up to its on hand, its
// reserved units are exactly those of the ACTIVE holds and the open orders' lines (expectReconciled),
// nothing is reserved beyond what is on hand, each hold's status is what its story says, and an order
// asking no more than an ACTIVE hold holds is never refused for stock. ORDO_PROPERTY_RUNS (default 30
// on SQLite, 10 on PostgreSQL).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { dialectOf } from '../../src/kernel/db/dialect.js';
import { CheckoutHoldService } from '../../src/checkout-holds/checkout-hold.service.js';
import { HOLD, READ, RELEASE } from '../helpers/checkout-holds.js';

const RUNS: Record<DbKind, number> = { sqlite: Number(process.env.ORDO_PROPERTY_RUNS ?? 30), postgresql: Number(process.env.ORDO_PROPERTY_RUNS ?? 10) };
const SKUS = ['H1', 'H2', 'H3'];

type Lines = { sku: string; quantity: number }[];
type Op =
  | { kind: 'hold'; lines: Lines }
  | { kind: 'release'; hold: number }
  | { kind: 'expire'; hold: number }
  | { kind: 'place'; hold: number | null; lines: Lines | null }
  | { kind: 'cancel'; order: number }
  | { kind: 'receive'; sku: string; quantity: number };

const linesArb = fc.uniqueArray(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3, selector: (l) => l.sku });
const idx = fc.nat(5);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('hold' as const), lines: linesArb }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('release' as const), hold: idx }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('expire' as const), hold: idx }), weight: 2 },
  // lines null: the order asks exactly what the hold holds.
  { arbitrary: fc.record({ kind: fc.constant('place' as const), hold: fc.option(idx, { freq: 4 }), lines: fc.option(linesArb, { freq: 2 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: idx }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('receive' as const), sku: fc.constantFrom(...SKUS), quantity: fc.constant(1) }), weight: 1 },
);

/** Run first: a bit of everything (held, refused, placed with a hold, expired), whatever the random runs draw. */
const STORY: Op[] = [
  { kind: 'hold', lines: [{ sku: 'H2', quantity: 2 }] },
  { kind: 'hold', lines: [{ sku: 'H1', quantity: 1 }, { sku: 'H2', quantity: 1 }] },
  { kind: 'hold', lines: [{ sku: 'H1', quantity: 3 }] },
  { kind: 'place', hold: 0, lines: null },
  { kind: 'expire', hold: 1 },
  { kind: 'place', hold: 1, lines: [{ sku: 'H1', quantity: 1 }] },
];

for (const kind of DB_KINDS) {
  describe(`checkout holds as a property on ${kind}`, () => {
    let t: TestEngine;
    beforeAll(async () => {
      // No workers: the sweeper is called by the property (expire), and no fulfillment job moves orders on.
      t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
      await setupShop(t, {
        locations: [{ code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
        variants: [
          // Little stock, so carts collide: holds and orders are refused as often as not.
          { sku: 'H1', price: 1000, stock: { 'wh-a': 2, 'wh-b': 2 } },
          { sku: 'H2', price: 700, stock: { 'wh-a': 2 } },
          { sku: 'H3', price: 300, stock: { 'wh-b': 1 } },
        ],
      });
    }, 60_000);
    afterAll(async () => t?.stop());

    it(`keeps the ledger exact and holds honoured over ${RUNS[kind]} random sequences`, async () => {
      const sweeper = t.engine.app.service(CheckoutHoldService);
      const status = async (id: string) => ok(await t.gql(READ, { id })).checkoutHold.status as string;
      const allOrders: string[] = [];
      const allHolds: string[] = [];
      // What the runs went through, so that a passing property is not a vacuous one.
      const seen = new Set<string>();

      await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        // Each run starts with nothing held and nothing ordered (what earlier runs left is given back).
        for (const id of allHolds.splice(0)) if ((await status(id)) === 'ACTIVE') ok(await t.gql(RELEASE, { id }));
        for (const id of allOrders.splice(0)) await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "next run") { id } }`, { id });

        const holds: { id: string; lines: Lines; expect: string }[] = [];
        const orders: string[] = [];
        const pick = <T>(xs: T[], i: number) => (xs.length ? xs[i % xs.length] : null);

        for (const op of ops) {
          switch (op.kind) {
            case 'hold': {
              const r = await t.gql(HOLD, { input: { lines: op.lines } });
              if (r.errors) expect(codeOf(r), JSON.stringify(r.errors)).toBe('INSUFFICIENT_STOCK');
              seen.add(r.errors ? 'hold refused' : 'held');
              if (!r.errors) {
                holds.push({ id: r.data.holdCheckoutStock.id, lines: op.lines, expect: 'ACTIVE' });
                allHolds.push(r.data.holdCheckoutStock.id);
              }
              break;
            }
            case 'release': {
              const h = pick(holds, op.hold);
              if (!h) break;
              const r = await t.gql(RELEASE, { id: h.id });
              if (h.expect === 'CONSUMED') expect(codeOf(r)).toBe('CONFLICT');
              else {
                ok(r);
                if (h.expect === 'ACTIVE') h.expect = 'RELEASED';
              }
              break;
            }
            case 'expire': {
              const h = pick(holds, op.hold);
              if (!h) break;
              await t.sql(`UPDATE checkout_hold SET expires_at = ? WHERE id = ? AND status = 'ACTIVE'`, [dialectOf(t.em()).date(new Date(Date.now() - 1000)), h.id]);
              await sweeper.expireDue(t.em());
              if (h.expect === 'ACTIVE') {
                h.expect = 'EXPIRED';
                seen.add('expired');
              }
              break;
            }
            case 'place': {
              const h = op.hold === null ? null : pick(holds, op.hold);
              const lines = op.lines ?? h?.lines ?? [{ sku: 'H1', quantity: 1 }];
              const r = await t.gql(PLACE_ORDER, { input: orderInput(lines, h ? { holdId: h.id } : {}) });
              const covered = h?.expect === 'ACTIVE' && lines.every((l) => l.quantity <= (h.lines.find((x) => x.sku === l.sku)?.quantity ?? 0));
              if (h && (h.expect === 'CONSUMED' || h.expect === 'RELEASED')) expect(codeOf(r)).toBe('CONFLICT');
              else if (covered) ok(r);
              else if (r.errors) expect(codeOf(r), JSON.stringify(r.errors)).toBe('INSUFFICIENT_STOCK');
              if (!r.errors) {
                orders.push(r.data.placeOrder.order.id);
                allOrders.push(r.data.placeOrder.order.id);
                if (h?.expect === 'ACTIVE') {
                  h.expect = 'CONSUMED';
                  seen.add('placed with a hold');
                }
              }
              break;
            }
            case 'cancel': {
              const id = pick(orders, op.order);
              if (!id) break;
              const r = await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "changed mind") { id } }`, { id });
              if (r.errors) expect(codeOf(r)).toBe('INVALID_STATE_TRANSITION');
              break;
            }
            case 'receive':
              ok(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: op.sku, locationCode: 'wh-b', delta: op.quantity, reason: 'RECEIVED' } }));
              break;
          }
          for (const h of holds) expect(await status(h.id), `hold after ${JSON.stringify(op)}`).toBe(h.expect);
          await expectReconciled(t);
          const over = await t.sql('SELECT sku, location_id, on_hand, reserved FROM stock_level WHERE reserved > on_hand OR reserved < 0');
          expect(over, 'nothing reserved beyond what is on hand').toEqual([]);
        }
      }), { numRuns: RUNS[kind], examples: [[STORY]] });
      expect([...seen].sort()).toEqual(['expired', 'held', 'hold refused', 'placed with a hold']);
    }, 600_000);
  });
}
