// Property (issue 13): whatever staff, buyers, warehouses and a flaky payment gateway do to orders, in
// whatever order, money, documents and stock stay reconciled and no order's status contradicts its
// lines. fast-check draws sequences of place / edit / cancel lines / cancel shipment / ship / deliver /
// return / refund / cancel / receive stock over a few orders, with the gateway refusing captures and refunds at
// random (never more than twice in a row: the jobs retry up to four times), on channels capturing on
// placement, at the first shipment and per shipment; after every step, once the
// engine has settled, the invariants are checked from the database. Runs: ORDO_PROPERTY_RUNS (default
// 90 on SQLite and 15 on PostgreSQL, 105 in all, counting the fixed REGRESSIONS run first); `node bench/order-changes-property.mjs` runs many more.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok, type GqlResult } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { APPROVE_RETURN, RECEIVE_RETURN, REQUEST_RETURN, TRACK } from '../helpers/returns.js';
import { definePlugin, type PaymentProvider } from '../../src/index.js';

const RUNS: Record<DbKind, number> = {
  // A PostgreSQL sequence costs about three SQLite ones (its own pool, row locks); the suite's 15 minutes decide the split.
  sqlite: Number(process.env.ORDO_PROPERTY_RUNS ?? 90),
  postgresql: Number(process.env.ORDO_PROPERTY_RUNS ?? 15),
};

/** Refuses a capture or refund when the drawn pattern says so, but never three calls in a row. */
const gateway = { pattern: [] as boolean[], refusedInARow: 0 };
function gatewayAnswers(): boolean {
  const refuse = (gateway.pattern.shift() ?? false) && gateway.refusedInARow < 2;
  gateway.refusedInARow = refuse ? gateway.refusedInARow + 1 : 0;
  return !refuse;
}
const flakyCard: PaymentProvider = {
  code: 'flaky-card',
  async authorize(req) { return { outcome: 'authorized', transactionId: `fc_${req.idempotencyKey.slice(-16)}` }; },
  async capture(req) { return gatewayAnswers() ? { outcome: 'captured', transactionId: `fc_cap_${req.idempotencyKey.slice(-16)}` } : { outcome: 'failed', reason: 'gateway timeout' }; },
  async void() {},
  async refund(req) { return gatewayAnswers() ? { outcome: 'succeeded', transactionId: `fc_ref_${req.idempotencyKey.slice(-16)}` } : { outcome: 'failed', reason: 'gateway timeout' }; },
};

const ORDER = `query($id: ID!) { order(id: $id) {
  id status paymentStatus total
  lines { id sku quantity quantityCancelled quantityShipped quantityReturned quantityBackordered }
  payments { id status amountCaptured amountRefunded }
  shipments { id status trackingNumber }
} }`;
const SKUS = ['AUTO', 'MAN', 'SPLIT', 'BACK'];

type Op =
  | { kind: 'place'; lines: { sku: string; quantity: number }[]; channel: 'default' | 'eager' | 'split' }
  | { kind: 'edit'; order: number; line: number; quantity: number; add: string | null }
  | { kind: 'cancelLines'; order: number; line: number; quantity: number }
  | { kind: 'cancelShipment'; order: number; reroute: boolean }
  | { kind: 'ship'; order: number }
  | { kind: 'deliver'; order: number }
  | { kind: 'return'; order: number; line: number }
  | { kind: 'refund'; order: number; amount: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'receive'; quantity: number };

const lineArb = fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 3 }) });
const placeArb = fc.record({ kind: fc.constant('place' as const), lines: fc.uniqueArray(lineArb, { minLength: 1, maxLength: 3, selector: (l) => l.sku }), channel: fc.constantFrom('default' as const, 'eager' as const, 'split' as const) });
const idx = fc.nat(3);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: placeArb, weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('edit' as const), order: idx, line: fc.nat(2), quantity: fc.nat(4), add: fc.option(fc.constantFrom(...SKUS)) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('cancelLines' as const), order: idx, line: fc.nat(2), quantity: fc.integer({ min: 1, max: 2 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('cancelShipment' as const), order: idx, reroute: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('ship' as const), order: idx }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), order: idx }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('return' as const), order: idx, line: fc.nat(2) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('refund' as const), order: idx, amount: fc.integer({ min: 1, max: 50 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: idx }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('receive' as const), quantity: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
);
const runArb = fc.record({ first: placeArb, ops: fc.array(opArb, { minLength: 1, maxLength: 6 }), refusals: fc.array(fc.boolean(), { maxLength: 12 }) });
type Run = typeof runArb extends fc.Arbitrary<infer R> ? R : never;

/** Refusals a user may get for a request that does not fit the order's state; anything else is a bug. */
const EXPECTED_REFUSALS = new Set(['BAD_USER_INPUT', 'INVALID_STATE_TRANSITION', 'FORBIDDEN', 'PAYMENT_DECLINED', 'INSUFFICIENT_STOCK']);

for (const kind of ['sqlite', 'postgresql'] as DbKind[]) {
  describe(`order changes as a property on ${kind}`, () => {
    let t: TestEngine;
    beforeAll(async () => {
      t = await startTestEngine(kind, {
        env: { ORDO_REFUND_ATTEMPTS: '4', ORDO_REFUND_BACKOFF_MS: '10', ORDO_CAPTURE_ATTEMPTS: '4', ORDO_CAPTURE_BACKOFF_MS: '10' },
        plugins: [definePlugin({ name: 'flaky-gateway', providers: { payment: [flakyCard] } })],
      });
      await setupShop(t, {
        locations: [{ code: 'auto', priority: 5, autoFulfill: true }, { code: 'wh-a', priority: 10 }, { code: 'wh-b', priority: 20 }],
        variants: [
          { sku: 'AUTO', price: 1000, stock: { auto: 100_000 } },
          { sku: 'MAN', price: 700, stock: { 'wh-a': 100_000, 'wh-b': 100_000 } },
          { sku: 'SPLIT', price: 300, stock: { 'wh-a': 1, 'wh-b': 100_000 } },
          { sku: 'BACK', price: 450, allowBackorder: true },
        ],
      });
      ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
        i: { code: 'eager', name: 'Eager shop', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'ON_PLACEMENT' },
      }));
      ok(await t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code } }`, {
        i: { code: 'split', name: 'Pay as it ships', kind: 'WEB_STORE', currencyCode: 'EUR', capturePolicy: 'PER_SHIPMENT' },
      }));
    }, 120_000);
    afterAll(async () => t?.stop());

    const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
    const accept = (r: GqlResult, what: string) => {
      if (r.errors?.length && !EXPECTED_REFUSALS.has(String(codeOf(r)))) throw new Error(`${what}: ${JSON.stringify(r.errors)}`);
      return r.data;
    };

    it(`keeps money, documents and stock reconciled over ${RUNS[kind]} random sequences`, async () => {
      await fc.assert(fc.asyncProperty(runArb, async ({ first, ops, refusals }) => {
        gateway.pattern = [...refusals];
        gateway.refusedInARow = 0;
        const orders: { id: string; token: string; ordered: Map<string, number> }[] = [];
        const goodwill = new Map<string, number>();
        const pick = (i: number) => (orders.length ? orders[i % orders.length] : null);

        const apply = async (op: Op) => {
          if (op.kind === 'place') {
            const input = orderInput(op.lines, { payment: { method: 'flaky-card', token: 'x' }, ...(op.channel !== 'default' ? { channelCode: op.channel } : {}) });
            const placed = accept(await t.gql(PLACE_ORDER, { input }), 'placeOrder')?.placeOrder;
            if (placed) orders.push({ id: placed.order.id, token: placed.accessToken, ordered: new Map(placed.order.lines.map((l: any) => [l.id, l.quantity])) });
            return;
          }
          if (op.kind === 'receive') {
            accept(await t.admin(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`, { i: { sku: 'BACK', locationCode: 'wh-a', delta: op.quantity, reason: 'RECEIVED' } }), 'adjustStock');
            return;
          }
          const target = pick(op.order);
          if (!target) return;
          const o = await order(target.id);
          const line = o.lines[('line' in op ? op.line : 0) % o.lines.length];
          switch (op.kind) {
            case 'edit': {
              // Staff set a line's units (0 to 4) and maybe add a unit of a SKU, paid by the gateway.
              const edit = accept(await t.admin(`mutation($id: ID!) { beginOrderEdit(orderId: $id) { id } }`, { id: o.id }), 'beginOrderEdit')?.beginOrderEdit;
              if (!edit) return;
              accept(await t.admin(`mutation($e: ID!, $l: ID!, $q: Int!) { orderEditSetQuantity(editId: $e, orderLineId: $l, quantity: $q) { id } }`, { e: edit.id, l: line.id, q: op.quantity }), 'orderEditSetQuantity');
              if (op.add) accept(await t.admin(`mutation($e: ID!, $s: String!) { orderEditAddLine(editId: $e, sku: $s, quantity: 1) { id } }`, { e: edit.id, s: op.add }), 'orderEditAddLine');
              const done = accept(await t.admin(`mutation($e: ID!) { commitOrderEdit(editId: $e, payment: { method: "flaky-card", token: "x" }) { id lines { id sku quantity } } }`, { e: edit.id }), 'commitOrderEdit');
              if (!done) {
                accept(await t.admin(`mutation($e: ID!) { discardOrderEdit(editId: $e) { id } }`, { e: edit.id }), 'discardOrderEdit');
                return;
              }
              // More units are more ordered; fewer are cancelled (quantityCancelled), so ordered stays.
              for (const l of done.commitOrderEdit.lines) {
                const before = o.lines.find((x: any) => x.id === l.id);
                if (!before) target.ordered.set(l.id, l.quantity);
                else if (l.quantity > before.quantity) target.ordered.set(l.id, target.ordered.get(l.id)! + l.quantity - before.quantity);
              }
              return;
            }
            case 'cancelLines':
              accept(await t.admin(`mutation($o: ID!, $l: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $o, lines: $l, reason: "property") { id } }`,
                { o: o.id, l: [{ orderLineId: line.id, quantity: op.quantity }] }), 'cancelOrderLines');
              return;
            case 'cancelShipment': {
              const s = o.shipments.find((x: any) => ['PENDING', 'PICKED', 'PACKED', 'LABELLED'].includes(x.status));
              if (s) accept(await t.admin(`mutation($id: ID!, $r: Boolean) { cancelShipment(id: $id, reroute: $r) { id } }`, { id: s.id, r: op.reroute }), 'cancelShipment');
              return;
            }
            case 'ship': {
              const s = o.shipments.find((x: any) => ['PENDING', 'PICKED', 'PACKED'].includes(x.status));
              if (!s) return;
              for (const m of ['markShipmentPicked', 'markShipmentPacked']) accept(await t.admin(`mutation($id: ID!) { ${m}(id: $id) { id } }`, { id: s.id }), m);
              await settled(t, 30_000, 5); // the label job
              accept(await t.admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { id } }`, { id: s.id }), 'markShipmentShipped');
              return;
            }
            case 'deliver':
              for (const s of o.shipments.filter((x: any) => x.status === 'SHIPPED' && x.trackingNumber)) {
                accept(await t.admin(TRACK, { i: { trackingNumber: s.trackingNumber, status: 'DELIVERED' } }), 'recordTrackingEvent');
              }
              return;
            case 'return': {
              const returnable = line.quantityShipped - line.quantityReturned;
              if (o.status !== 'DELIVERED' || returnable < 1) return;
              const r = accept(await t.gql(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: line.id, quantity: 1, reason: 'DAMAGED' }], resolution: 'REFUND' } }, target.token), 'requestReturn')?.requestReturn;
              if (!r) return;
              accept(await t.admin(APPROVE_RETURN, { id: r.id }), 'approveReturn');
              accept(await t.admin(RECEIVE_RETURN, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'RESTOCK' }] }), 'receiveReturn');
              return;
            }
            case 'refund': {
              const p = o.payments.find((x: any) => ['PAID', 'PARTIALLY_REFUNDED'].includes(x.status));
              if (!p || o.status === 'CANCELLED') return;
              const res = await t.admin(`mutation($id: ID!, $a: Money!) { refundPayment(id: $id, amount: $a, reason: "goodwill") { id } }`, { id: p.id, a: op.amount });
              if (accept(res, 'refundPayment')) goodwill.set(o.id, (goodwill.get(o.id) ?? 0) + op.amount);
              return;
            }
            case 'cancel':
              accept(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "property") { id } }`, { id: o.id }), 'cancelOrder');
          }
        };

        for (const op of [first, ...ops]) {
          await apply(op);
          await settled(t, 30_000, 5);
          await expectReconciled(t, { orderIds: orders.map((o) => o.id), goodwill });
          for (const { id, ordered } of orders) expectStatusFitsLines(await order(id), ordered);
        }
      }), {
        numRuns: RUNS[kind], endOnFailure: true, examples: REGRESSIONS,
        // A failure prints its seed and path: ORDO_PROPERTY_SEED and ORDO_PROPERTY_PATH replay exactly that sequence.
        ...(process.env.ORDO_PROPERTY_SEED ? { seed: Number(process.env.ORDO_PROPERTY_SEED), path: process.env.ORDO_PROPERTY_PATH } : {}),
      });
    }, 1_800_000);
  });
}

/**
 * Sequences the property once found failing, run first every time. 2026-11-30 (seed 1950889441): a staff
 * refund of 0.42 on a PER_SHIPMENT order, then an edit that authorized a second payment; the last
 * shipment's capture took the 0.42 back from the new authorization (fixed: `Coverage.givenBack`).
 * 2026-11-30 (seed -958965840): an edit authorized a second payment; at the shipment the gateway refused
 * the first capture twice, took it, then refused the second payment's twice: the order's four capture
 * attempts were spent across both (a refused payment stopped the run before the next was tried) and the
 * engine gave up on a payment that had had two (fixed: every payment is tried on every attempt).
 */
const REGRESSIONS: [Run][] = [[{
  first: { kind: 'place', lines: [{ sku: 'AUTO', quantity: 2 }, { sku: 'SPLIT', quantity: 3 }, { sku: 'MAN', quantity: 3 }], channel: 'split' },
  ops: [
    { kind: 'cancelLines', order: 3, line: 2, quantity: 2 }, { kind: 'ship', order: 1 }, { kind: 'refund', order: 3, amount: 42 },
    { kind: 'ship', order: 2 }, { kind: 'edit', order: 3, line: 0, quantity: 0, add: 'BACK' },
  ],
  refusals: [true],
}], [{
  first: { kind: 'place', lines: [{ sku: 'SPLIT', quantity: 1 }], channel: 'default' },
  ops: [{ kind: 'edit', order: 1, line: 0, quantity: 0, add: 'MAN' }, { kind: 'ship', order: 0 }],
  refusals: [true, true, false, true, true, true, true, true, true],
}]];

/** No order's status contradicts its lines; every unit ordered is still ordered or cancelled. */
function expectStatusFitsLines(o: any, ordered: Map<string, number>): void {
  const sum = (f: (l: any) => number) => o.lines.reduce((s: number, l: any) => s + f(l), 0);
  const label = `order ${o.id} (${o.status})`;
  for (const l of o.lines) {
    expect(l.quantity + l.quantityCancelled, `${label} ${l.sku}: ordered = still ordered + cancelled`).toBe(ordered.get(l.id));
    expect(l.quantityShipped, `${label} ${l.sku}: shipped ≤ ordered`).toBeLessThanOrEqual(l.quantity);
    expect(l.quantityReturned, `${label} ${l.sku}: returned ≤ shipped`).toBeLessThanOrEqual(l.quantityShipped);
    expect(l.quantityBackordered, `${label} ${l.sku}: backordered ≤ not shipped`).toBeLessThanOrEqual(l.quantity - l.quantityShipped);
  }
  const [units, shipped] = [sum((l) => l.quantity), sum((l) => l.quantityShipped)];
  if (o.status === 'SHIPPED' || o.status === 'DELIVERED') expect(shipped, `${label}: every unit left has shipped`).toBe(units);
  if (o.status === 'PARTIALLY_SHIPPED') expect(shipped > 0 && shipped < units, `${label}: some units shipped, not all (${shipped} of ${units})`).toBe(true);
  if (['PENDING', 'CONFIRMED', 'BACKORDERED', 'IN_FULFILLMENT'].includes(o.status)) expect(shipped, `${label}: nothing shipped yet`).toBe(0);
  if (o.status === 'BACKORDERED') expect(sum((l) => l.quantityBackordered), `${label}: something waits for stock`).toBeGreaterThan(0);
  if (o.status === 'CANCELLED') expect(sum((l) => l.quantityBackordered), `${label}: nothing waits`).toBe(0);
  if (units === 0) expect(o.status, `${label}: nothing left to ship`).toBe('CANCELLED');
}
