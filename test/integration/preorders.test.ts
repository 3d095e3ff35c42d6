// Preorders on both databases (docs/preorders.md): a variant with a release date and a preorder limit takes
// orders up to the limit (the next one refused with INSUFFICIENT_STOCK, reason PREORDER_LIMIT, also when
// ten buyers order at once), does not ship stock that arrives before the release date, ships once the
// date has passed (housekeeping.releasePreorders, scheduled as in production with a short interval), is
// captured at shipment on an ON_PLACEMENT channel, is expected from its release date, gives units back to
// the limit when cancelled, and after the release sells by the ordinary stock rules.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok, type GqlResult } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';

const DAY = 86_400_000;
const SET = `mutation($sku: String!, $releaseDate: DateTime!, $limit: Int!) {
  setVariantPreorder(sku: $sku, releaseDate: $releaseDate, limit: $limit) { sku preorder { releaseDate limit ordered remaining } } }`;
const CLEAR = `mutation($sku: String!) { clearVariantPreorder(sku: $sku) { sku preorder { limit } } }`;
const PREORDER = `query($sku: String!) { variant(sku: $sku) { preorder { releaseDate limit ordered remaining } } }`;
const ORDER = `query($id: ID!) { order(id: $id) {
  id status paymentStatus estimatedDeliveryAt
  lines { id sku quantity quantityBackordered quantityShipped preorder quantityPreordered }
  payments { status amount amountCaptured }
  shipments { status }
  history { type message }
} }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { status } }`;
const CANCEL_LINES = `mutation($orderId: ID!, $lines: [CancelOrderLineInput!]!) { cancelOrderLines(orderId: $orderId, lines: $lines) { status } }`;
const QUOTE = `query($input: PlaceOrderInput!) { quoteOrder(input: $input) { lines { sku available backordered preordered } problems { path code } estimatedDeliveryAt } }`;
const STOCK = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { onHand } }`;

describe.each(DB_KINDS)('preorders on %s', (kind: DbKind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_HOUSEKEEPING_EVERY_MS: '500' } });
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }],
      variants: [
        { sku: 'PRE', price: 1000 },
        { sku: 'RACE', price: 1000 },
        { sku: 'STK', price: 1000, stock: { auto: 10 } },
        { sku: 'REL', price: 2000 },
        { sku: 'CXL', price: 500 },
        { sku: 'PLAIN', price: 700, stock: { auto: 5 } },
        { sku: 'PROP', price: 300 },
        { sku: 'DRAFT', price: 900, stock: { auto: 3 } },
      ],
    });
    // Captured when the order is confirmed, for ordinary orders: a preorder waits for its shipment.
    ok(await t.admin(`mutation { updateChannel(code: "default", input: { capturePolicy: ON_PLACEMENT }) { code } }`));
  });
  afterAll(async () => t?.stop());

  const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString();
  const place = (sku: string, quantity: number) => t.gql(PLACE_ORDER, { input: orderInput([{ sku, quantity }]) });
  const placed = async (sku: string, quantity: number) => ok(await place(sku, quantity)).placeOrder.order;
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;
  const preorder = async (sku: string) => ok(await t.gql(PREORDER, { sku })).variant.preorder;
  const reasonOf = (r: GqlResult) => r.errors?.[0]?.extensions?.reason;

  it('staff set and clear the terms; only a catalog admin may, and the date must lie ahead', async () => {
    const releaseDate = inDays(30);
    const v = ok(await t.admin(SET, { sku: 'PRE', releaseDate, limit: 5 })).setVariantPreorder;
    expect(v.preorder).toEqual({ releaseDate, limit: 5, ordered: 0, remaining: 5 });
    expect(codeOf(await t.gql(SET, { sku: 'PRE', releaseDate, limit: 5 }))).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    expect(codeOf(await t.admin(SET, { sku: 'PRE', releaseDate: inDays(-1), limit: 5 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(SET, { sku: 'PRE', releaseDate, limit: -1 }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(SET, { sku: 'NOPE', releaseDate, limit: 5 }))).toBe('NOT_FOUND');
    expect(await preorder('PLAIN')).toBeNull();
  });

  it('accepts 5 units across orders with no stock, refuses the 6th (PREORDER_LIMIT), and expects them from the release date', async () => {
    const release = new Date((await preorder('PRE')).releaseDate).getTime();
    const quote = ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'PRE', quantity: 2 }]) })).quoteOrder;
    expect(quote.lines[0]).toMatchObject({ sku: 'PRE', available: 0, backordered: 0, preordered: 2 });
    expect(quote.problems).toEqual([]);
    expect(new Date(quote.estimatedDeliveryAt).getTime()).toBeGreaterThanOrEqual(release + 4 * DAY);

    const a = await placed('PRE', 2);
    const b = await placed('PRE', 3);
    for (const o of [a, b]) {
      expect(o.status).toBe('BACKORDERED');
      expect(o.lines[0].quantityBackordered).toBe(o.lines[0].quantity);
      // Its release, handed over on the location's next ship day, plus the method's 4 transit days.
      const eta = new Date(o.estimatedDeliveryAt).getTime();
      expect(eta).toBeGreaterThanOrEqual(release + 4 * DAY);
      expect(eta).toBeLessThan(release + 9 * DAY);
    }
    expect(a.history.at(-1).message).toMatch(/preordered 2 × PRE/);
    expect(await preorder('PRE')).toMatchObject({ ordered: 5, remaining: 0 });

    const refused = await place('PRE', 1);
    expect(codeOf(refused)).toBe('INSUFFICIENT_STOCK');
    expect(reasonOf(refused)).toBe('PREORDER_LIMIT');
    expect(refused.errors![0].message).toMatch(/preorder limit/);
    const overQuote = ok(await t.gql(QUOTE, { input: orderInput([{ sku: 'PRE', quantity: 1 }]) })).quoteOrder;
    expect(overQuote.problems).toEqual([{ path: 'lines[0].quantity', code: 'INSUFFICIENT_STOCK' }]);
    expect(await preorder('PRE')).toMatchObject({ ordered: 5, remaining: 0 });

    const line = (await order(a.id)).lines[0];
    expect(line).toMatchObject({ preorder: true, quantityPreordered: 2 });
    // Nothing is reserved for a preorder, and the ON_PLACEMENT channel has not captured it.
    expect((await order(a.id)).payments[0]).toMatchObject({ status: 'AUTHORIZED', amountCaptured: 0 });
  });

  it('10 simultaneous one-unit orders against a limit of 5: exactly 5 are accepted', async () => {
    ok(await t.admin(SET, { sku: 'RACE', releaseDate: inDays(10), limit: 5 }));
    const results = await Promise.all(Array.from({ length: 10 }, () => place('RACE', 1)));
    const accepted = results.filter((r) => !r.errors);
    expect(accepted).toHaveLength(5);
    expect(results.filter((r) => r.errors).map(reasonOf)).toEqual(Array(5).fill('PREORDER_LIMIT'));
    expect(await preorder('RACE')).toMatchObject({ ordered: 5, remaining: 0 });
    const [row] = await t.sql("SELECT COALESCE(SUM(ol.quantity_preordered), 0) AS n FROM order_line ol WHERE ol.sku = 'RACE'");
    expect(Number(row.n)).toBe(5);
  });

  it('takes every unit as a preorder before the release even with stock on hand (the limit counts them all)', async () => {
    ok(await t.admin(SET, { sku: 'STK', releaseDate: inDays(10), limit: 2 }));
    const o = await placed('STK', 2);
    expect(o.status).toBe('BACKORDERED');
    expect(codeOf(await place('STK', 1))).toBe('INSUFFICIENT_STOCK');
    const [level] = await t.sql("SELECT on_hand, reserved FROM stock_level WHERE sku = 'STK'");
    expect([Number(level.on_hand), Number(level.reserved)]).toEqual([10, 0]);
  });

  it('cancelling gives the units back to the limit, once', async () => {
    ok(await t.admin(SET, { sku: 'CXL', releaseDate: inDays(10), limit: 3 }));
    const a = await placed('CXL', 3);
    expect(await preorder('CXL')).toMatchObject({ ordered: 3, remaining: 0 });
    expect(ok(await t.admin(CANCEL, { id: a.id })).cancelOrder.status).toBe('CANCELLED');
    expect(codeOf(await t.admin(CANCEL, { id: a.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(await preorder('CXL')).toMatchObject({ ordered: 0, remaining: 3 });

    const b = await placed('CXL', 3);
    ok(await t.admin(CANCEL_LINES, { orderId: b.id, lines: [{ orderLineId: b.lines[0].id, quantity: 2 }] }));
    expect(await preorder('CXL')).toMatchObject({ ordered: 1, remaining: 2 });
    expect((await order(b.id)).lines[0]).toMatchObject({ quantity: 1, quantityBackordered: 1, quantityPreordered: 1 });
    // The units given back can be preordered again.
    await placed('CXL', 2);
    expect(await preorder('CXL')).toMatchObject({ ordered: 3, remaining: 0 });
    // Clearing the terms: the next housekeeping run releases what is preordered.
    ok(await t.admin(CLEAR, { sku: 'CXL' }));
    expect(await preorder('CXL')).toBeNull();
    await until(() => t.sql("SELECT preordered FROM product_variant WHERE sku = 'CXL'"), (rows) => Number(rows[0].preordered) === 0);
    expect((await order(b.id)).lines[0]).toMatchObject({ quantityBackordered: 1, quantityPreordered: 0 });
  });

  it('stock arriving before the release date is not shipped; after it the order ships and is captured then', async () => {
    const release = Date.now() + 6_000;
    ok(await t.admin(SET, { sku: 'REL', releaseDate: new Date(release).toISOString(), limit: 5 }));
    const o = await placed('REL', 2);
    expect(o.status).toBe('BACKORDERED');

    // Stock arrives early: stock.changed runs allocateBackorders, which leaves the preorder waiting.
    ok(await t.admin(STOCK, { i: { sku: 'REL', locationCode: 'auto', delta: 5, reason: 'RECEIVED' } }));
    await until(() => t.sql('SELECT COUNT(*) AS n FROM outbox_event WHERE processed_at_ms IS NULL'), (rows) => Number(rows[0].n) === 0);
    const early = await order(o.id);
    expect(Date.now()).toBeLessThan(release);
    expect(early).toMatchObject({ status: 'BACKORDERED', shipments: [] });
    expect(early.lines[0]).toMatchObject({ quantityBackordered: 2, quantityPreordered: 2 });
    expect(early.payments[0]).toMatchObject({ status: 'AUTHORIZED', amountCaptured: 0 });

    // Released by housekeeping once the date passes, reserved from the stock on hand, shipped, captured.
    const shipped = await until(() => order(o.id), (x) => x.status === 'SHIPPED' && x.paymentStatus === 'PAID', 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(release);
    expect(shipped.lines[0]).toMatchObject({ quantityShipped: 2, quantityBackordered: 0, quantityPreordered: 0, preorder: true });
    expect(shipped.payments[0]).toMatchObject({ status: 'PAID', amountCaptured: shipped.payments[0].amount });
    const types = shipped.history.map((h: any) => h.type);
    expect(types).toContain('PREORDER_RELEASED');
    expect(shipped.history.map((h: any) => h.message).join('\n')).toMatch(/captured when the first shipment shipped/i);
    expect(await preorder('REL')).toMatchObject({ ordered: 0 });

    // After the release: ordinary stock rules (3 units left, reserved at once; a 4th is refused as ordinary stock).
    const after = await placed('REL', 3);
    expect(after.status).toBe('CONFIRMED');
    expect((await order(after.id)).lines[0]).toMatchObject({ preorder: false, quantityPreordered: 0, quantityBackordered: 0 });
    const refused = await place('REL', 1);
    expect(codeOf(refused)).toBe('INSUFFICIENT_STOCK');
    expect(reasonOf(refused)).toBeUndefined();
  });

  it('property: whatever orders and cancellations come, the counter is the units waiting for release and never above the limit', async () => {
    const LIMIT = 6;
    ok(await t.admin(SET, { sku: 'PROP', releaseDate: inDays(10), limit: LIMIT }));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('place' as const), quantity: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('cancelLines' as const), pick: fc.nat(), quantity: fc.integer({ min: 1, max: 3 }) }),
    );
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
      const open: { id: string; lineId: string; left: number }[] = [];
      let expected = (await preorder('PROP')).ordered;
      for (const o of ops) {
        if (o.kind === 'place') {
          const r = await place('PROP', o.quantity);
          if (expected + o.quantity <= LIMIT) {
            const placedOrder = ok(r).placeOrder.order;
            open.push({ id: placedOrder.id, lineId: placedOrder.lines[0].id, left: o.quantity });
            expected += o.quantity;
          } else expect(reasonOf(r)).toBe('PREORDER_LIMIT');
        } else if (open.length) {
          const target = open[o.pick % open.length];
          const q = o.kind === 'cancel' ? target.left : Math.min(o.quantity, target.left);
          if (o.kind === 'cancel' || q === target.left) {
            ok(await t.admin(CANCEL, { id: target.id }));
            open.splice(open.indexOf(target), 1);
          } else {
            ok(await t.admin(CANCEL_LINES, { orderId: target.id, lines: [{ orderLineId: target.lineId, quantity: q }] }));
            target.left -= q;
          }
          expected -= q;
        }
        const [row] = await t.sql("SELECT v.preordered AS counter, (SELECT COALESCE(SUM(quantity_preordered), 0) FROM order_line WHERE sku = 'PROP') AS waiting FROM product_variant v WHERE v.sku = 'PROP'");
        expect([Number(row.counter), Number(row.waiting)]).toEqual([expected, expected]);
        expect(expected).toBeLessThanOrEqual(LIMIT);
      }
      // Leave nothing behind for the next run.
      for (const o of open) ok(await t.admin(CANCEL, { id: o.id }));
      expect((await preorder('PROP')).ordered).toBe(0);
    }), { numRuns: 12 });
  });

  it('a draft order quotes and completes a preorder like placeOrder, within the same limit', async () => {
    ok(await t.admin(SET, { sku: 'DRAFT', releaseDate: inDays(20), limit: 2 }));
    const FIELDS = `id quote { placeable lines { sku preordered } problems { code } } order { id status estimatedDeliveryAt lines { preorder quantityPreordered } }`;
    const create = (quantity: number) => t.admin(`mutation($i: CreateDraftOrderInput!) { createDraftOrder(input: $i) { ${FIELDS} } }`,
      { i: { email: 'b2b@example.com', lines: [{ sku: 'DRAFT', quantity }], shippingAddress: orderInput([]).shippingAddress, shippingMethodCode: 'standard' } });
    const complete = (id: string) => t.admin(`mutation($id: ID!, $p: PaymentInput!) { completeDraftOrder(id: $id, payment: $p) { ${FIELDS} } }`, { id, p: { method: 'test-card', token: 'tok_visa' } });
    const tooMany = ok(await create(3)).createDraftOrder;
    expect(tooMany.quote).toMatchObject({ placeable: false, problems: [{ code: 'INSUFFICIENT_STOCK' }] });
    const draft = ok(await create(2)).createDraftOrder;
    expect(draft.quote).toMatchObject({ placeable: true, lines: [{ sku: 'DRAFT', preordered: 2 }] });
    const done = ok(await complete(draft.id)).completeDraftOrder;
    expect(done.order).toMatchObject({ status: 'BACKORDERED', lines: [{ preorder: true, quantityPreordered: 2 }] });
    expect(codeOf(await complete(tooMany.id))).toBe('INSUFFICIENT_STOCK');
    expect(await preorder('DRAFT')).toMatchObject({ ordered: 2, remaining: 0 });
  });

  it('an ordinary variant keeps its ordinary path and is captured on placement', async () => {
    const o = await placed('PLAIN', 1);
    expect(o.status).toBe('CONFIRMED');
    const paid = await until(() => order(o.id), (x) => x.paymentStatus === 'PAID');
    expect(paid.history.map((h: any) => h.message).join('\n')).toMatch(/captured on placement/i);
  });
});
