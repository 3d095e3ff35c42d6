// Transfers between locations on both databases (docs/stock-control.md): shipped units leave the source
// (TRANSFER_OUT) and are in transit, visible on the transfer and on the destination's level, until
// received there (TRANSFER_IN), where they serve waiting backorders. Units are never on hand in two
// places: with orders placed concurrently, on-hand over all locations plus in transit stays what exists.
// A fast-check property runs random transfers, receipts and orders. Bad input answers clear codes and
// changes nothing; the ledger adds up after each test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { PLACE_ORDER, orderInput, setupShop, snapshot } from '../helpers/fixtures.js';
import { expectReconciled } from '../helpers/reconcile.js';
import { settled } from '../helpers/settled.js';

const CREATE = `mutation($i: CreateStockTransferInput!) { createStockTransfer(input: $i) { id status inTransit fromLocation { code } toLocation { code } lines { sku quantity } } }`;
const FIELDS = 'id status inTransit shippedAt endedAt lines { sku quantity shipped received inTransit }';
const SHIP = `mutation($id: ID!, $k: String) { shipStockTransfer(id: $id, idempotencyKey: $k) { ${FIELDS} } }`;
const RECEIVE = `mutation($id: ID!, $l: [StockTransferLineInput!], $k: String) { receiveStockTransfer(id: $id, lines: $l, idempotencyKey: $k) { ${FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelStockTransfer(id: $id) { status } }`;
const LEVELS = `query($s: String) { stockLevels(sku: $s) { location { code } onHand reserved available inTransitIn } }`;

describe.each(DB_KINDS)('stock transfers on %s', (kind) => {
  let t: TestEngine;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: 'a', priority: 10 }, { code: 'b', priority: 20 }],
      variants: [
        { sku: 'T1', price: 100, stock: { a: 10 } },
        { sku: 'T2', price: 100, allowBackorder: true, stock: { a: 5 } },
        { sku: 'T3', price: 100, stock: { a: 10 } },
        { sku: 'T4', price: 100, stock: { a: 8, b: 4 } },
      ],
    });
  });
  afterAll(async () => t?.stop());

  const create = async (sku: string, quantity: number, from = 'a', to = 'b') =>
    ok(await t.admin(CREATE, { i: { fromLocationCode: from, toLocationCode: to, lines: [{ sku, quantity }] } })).createStockTransfer;
  const levels = async (sku: string) =>
    Object.fromEntries(ok(await t.admin(LEVELS, { s: sku })).stockLevels.map((l: any) => [l.location.code, { onHand: l.onHand, reserved: l.reserved, inTransitIn: l.inTransitIn }]));
  const movements = async (sku: string) =>
    (await t.sql(`SELECT l.code, m.reason, m.delta FROM stock_movement m JOIN stock_location l ON l.id = m.location_id WHERE m.sku = ? AND m.reason LIKE 'TRANSFER%' ORDER BY m.id`, [sku]))
      .map((m) => [m.code, m.reason, Number(m.delta)]);

  it('ships out of one location, shows the units in transit, and receives them at the other in parts', async () => {
    const tr = await create('T1', 6);
    expect(tr).toMatchObject({ status: 'DRAFT', inTransit: 0, fromLocation: { code: 'a' }, toLocation: { code: 'b' } });
    const shipped = ok(await t.admin(SHIP, { id: tr.id, k: `ship-${tr.id}` })).shipStockTransfer;
    expect(shipped).toMatchObject({ status: 'IN_TRANSIT', inTransit: 6, lines: [{ sku: 'T1', shipped: 6, received: 0, inTransit: 6 }] });
    expect(await levels('T1')).toEqual({ a: { onHand: 4, reserved: 0, inTransitIn: 0 }, b: { onHand: 0, reserved: 0, inTransitIn: 6 } });
    // A retry with the key answers the same and ships nothing again; another ship is refused.
    expect(ok(await t.admin(SHIP, { id: tr.id, k: `ship-${tr.id}` })).shipStockTransfer.status).toBe('IN_TRANSIT');
    expect(codeOf(await t.admin(SHIP, { id: tr.id }))).toBe('INVALID_STATE_TRANSITION');

    const part = ok(await t.admin(RECEIVE, { id: tr.id, l: [{ sku: 'T1', quantity: 2 }], k: `recv-${tr.id}-1` })).receiveStockTransfer;
    expect(part).toMatchObject({ status: 'IN_TRANSIT', inTransit: 4, lines: [{ received: 2, inTransit: 4 }] });
    ok(await t.admin(RECEIVE, { id: tr.id, l: [{ sku: 'T1', quantity: 2 }], k: `recv-${tr.id}-1` })); // the same receipt again: books once
    const over = await t.admin(RECEIVE, { id: tr.id, l: [{ sku: 'T1', quantity: 5 }] });
    expect([codeOf(over), fieldOf(over)]).toEqual(['BAD_USER_INPUT', 'lines']);
    const rest = ok(await t.admin(RECEIVE, { id: tr.id })).receiveStockTransfer;
    expect(rest).toMatchObject({ status: 'RECEIVED', inTransit: 0, lines: [{ received: 6, inTransit: 0 }] });
    expect(rest.endedAt).toBeTruthy();
    expect(await levels('T1')).toEqual({ a: { onHand: 4, reserved: 0, inTransitIn: 0 }, b: { onHand: 6, reserved: 0, inTransitIn: 0 } });
    expect(await movements('T1')).toEqual([['a', 'TRANSFER_OUT', -6], ['b', 'TRANSFER_IN', 2], ['b', 'TRANSFER_IN', 4]]);
    expect(codeOf(await t.admin(RECEIVE, { id: tr.id }))).toBe('INVALID_STATE_TRANSITION');
    await settled(t);
    await expectReconciled(t);
  });

  it('serves the backorders waiting when the units arrive', async () => {
    const tr = await create('T2', 5);
    ok(await t.admin(SHIP, { id: tr.id }));
    // Nothing is available anywhere while the units travel: the order waits for 3.
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'T2', quantity: 3 }]) })).placeOrder.order;
    expect(placed.lines[0].quantityBackordered).toBe(3);
    ok(await t.admin(RECEIVE, { id: tr.id }));
    await settled(t);
    const [line] = await t.sql('SELECT quantity_backordered FROM order_line WHERE order_id = ?', [placed.id]);
    expect(Number(line.quantity_backordered)).toBe(0);
    expect(await levels('T2')).toEqual({ a: { onHand: 0, reserved: 0, inTransitIn: 0 }, b: { onHand: 5, reserved: 3, inTransitIn: 0 } });
    await expectReconciled(t);
  });

  it('never has units on hand in two places while orders are placed during a ship and a receipt', async () => {
    const EXISTS = 10;
    // One statement: a consistent view of on hand everywhere and in transit.
    const whole = async () => {
      const [r] = await t.sql(`SELECT (SELECT SUM(on_hand) FROM stock_level WHERE sku = 'T3') AS on_hand,
        (SELECT SUM(on_hand - reserved) FROM stock_level WHERE sku = 'T3') AS available,
        (SELECT COALESCE(SUM(shipped - received), 0) FROM stock_transfer_line WHERE sku = 'T3') AS transit`);
      return { onHand: Number(r.on_hand), available: Number(r.available), transit: Number(r.transit) };
    };
    let watching = true;
    const seen: { onHand: number; available: number; transit: number }[] = [];
    // A pause between looks: SQLite answers at once, and a loop of resolved promises would starve the requests.
    const watcher = (async () => { while (watching) { seen.push(await whole()); await new Promise((r) => setTimeout(r, 2)); } })();
    const order = () => t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'T3', quantity: 2 }]) });

    const tr = await create('T3', 6);
    const [shipped, ...orders] = await Promise.all([t.admin(SHIP, { id: tr.id }), ...Array.from({ length: 4 }, order)]);
    const placedFirst = orders.filter((o) => !o.errors).length;
    for (const o of orders) if (o.errors) expect(codeOf(o)).toBe('INSUFFICIENT_STOCK');
    const transferred = shipped.errors ? 0 : 6;
    if (shipped.errors) expect(codeOf(shipped)).toBe('INSUFFICIENT_STOCK');
    expect(placedFirst * 2 + transferred).toBeLessThanOrEqual(EXISTS);

    const more = transferred ? await Promise.all([t.admin(RECEIVE, { id: tr.id }), ...Array.from({ length: 4 }, order)]) : [];
    watching = false;
    await watcher;
    const placed = placedFirst + more.slice(1).filter((o) => !o.errors).length;
    if (transferred) ok(more[0]);
    // Placed orders hold 2 each; nothing shipped (staffed locations), so all units are still here or travelling.
    for (const s of seen) {
      expect(s.onHand + s.transit).toBe(EXISTS);
      expect(s.available).toBeLessThanOrEqual(EXISTS - s.transit);
    }
    const end = await whole();
    expect(end).toEqual({ onHand: EXISTS, available: EXISTS - placed * 2, transit: 0 });
    expect(seen.length).toBeGreaterThan(0);
    await settled(t);
    await expectReconciled(t);
  });

  it('keeps on hand plus in transit constant over random transfers, receipts and orders (property)', async () => {
    const EXISTS = 12; // T4: 8 at a, 4 at b; staffed locations ship nothing, so no unit leaves
    const open: string[] = [];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('transfer' as const), fromA: fc.boolean(), quantity: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('receive' as const), pick: fc.nat(), quantity: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }),
      fc.record({ kind: fc.constant('order' as const), quantity: fc.integer({ min: 1, max: 2 }) }),
    );
    const check = async () => {
      const [r] = await t.sql(`SELECT (SELECT SUM(on_hand) FROM stock_level WHERE sku = 'T4') AS on_hand,
        (SELECT COALESCE(SUM(shipped - received), 0) FROM stock_transfer_line WHERE sku = 'T4') AS transit,
        (SELECT COUNT(*) FROM stock_level WHERE sku = 'T4' AND (reserved > on_hand OR reserved < 0)) AS bad`);
      expect(Number(r.on_hand) + Number(r.transit)).toBe(EXISTS);
      expect(Number(r.bad)).toBe(0);
    };
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
      for (const s of steps) {
        if (s.kind === 'transfer') {
          const tr = await create('T4', s.quantity, s.fromA ? 'a' : 'b', s.fromA ? 'b' : 'a');
          const r = await t.admin(SHIP, { id: tr.id });
          if (r.errors) expect(codeOf(r)).toBe('INSUFFICIENT_STOCK');
          else open.push(tr.id);
        } else if (s.kind === 'receive' && open.length) {
          const id = open[s.pick % open.length];
          const r = await t.admin(RECEIVE, { id, l: s.quantity ? [{ sku: 'T4', quantity: s.quantity }] : null });
          if (r.errors) expect(codeOf(r)).toBe('BAD_USER_INPUT'); // more than is still in transit
          else if (r.data.receiveStockTransfer.status === 'RECEIVED') open.splice(open.indexOf(id), 1);
        } else if (s.kind === 'order') {
          const r = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'T4', quantity: s.quantity }]) });
          if (r.errors) expect(codeOf(r)).toBe('INSUFFICIENT_STOCK');
        }
        await check();
      }
    }), { numRuns: 6 });
    await settled(t);
    await expectReconciled(t);
  });

  it('answers bad input with clear codes and changes nothing', async () => {
    const rows = async () => [await snapshot(t), (await t.sql('SELECT COUNT(*) AS n FROM stock_transfer'))[0].n];
    const before = await rows();
    const same = await t.admin(CREATE, { i: { fromLocationCode: 'a', toLocationCode: 'a', lines: [{ sku: 'T1', quantity: 1 }] } });
    expect([codeOf(same), fieldOf(same)]).toEqual(['BAD_USER_INPUT', 'input.toLocationCode']);
    const unknown = await t.admin(CREATE, { i: { fromLocationCode: 'a', toLocationCode: 'b', lines: [{ sku: 'NOPE', quantity: 1 }] } });
    expect([codeOf(unknown), fieldOf(unknown)]).toEqual(['BAD_USER_INPUT', 'input.lines']);
    const nowhere = await t.admin(CREATE, { i: { fromLocationCode: 'a', toLocationCode: 'zz', lines: [{ sku: 'T1', quantity: 1 }] } });
    expect([codeOf(nowhere), fieldOf(nowhere)]).toEqual(['BAD_USER_INPUT', 'input.toLocationCode']);
    expect(codeOf(await t.admin(CREATE, { i: { fromLocationCode: 'a', toLocationCode: 'b', lines: [{ sku: 'T1', quantity: 0 }] } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(SHIP, { id: 'trf_none' }))).toBe('NOT_FOUND');
    expect(await rows()).toEqual(before);

    // More than the source has free: nothing ships, the transfer stays a draft.
    const tooMany = await create('T1', 50);
    const mid = await snapshot(t);
    const refused = await t.admin(SHIP, { id: tooMany.id, k: 'ship-too-many' });
    expect(codeOf(refused)).toBe('INSUFFICIENT_STOCK');
    expect(refused.errors![0].extensions!.sku).toBe('T1');
    expect(await snapshot(t)).toEqual(mid);
    expect(codeOf(await t.admin(RECEIVE, { id: tooMany.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(ok(await t.admin(CANCEL, { id: tooMany.id })).cancelStockTransfer.status).toBe('CANCELLED');
    expect(codeOf(await t.admin(SHIP, { id: tooMany.id }))).toBe('INVALID_STATE_TRANSITION');
    expect(codeOf(await t.admin(CANCEL, { id: tooMany.id }))).toBe('INVALID_STATE_TRANSITION');

    // A key used for another transfer.
    const other = await create('T1', 1);
    ok(await t.admin(SHIP, { id: other.id, k: 'ship-other' }));
    const reused = await create('T1', 1);
    expect(codeOf(await t.admin(SHIP, { id: reused.id, k: 'ship-other' }))).toBe('CONFLICT');
    expect(codeOf(await t.admin(CANCEL, { id: other.id }))).toBe('INVALID_STATE_TRANSITION'); // shipped: no longer a draft
    await expectReconciled(t);
  });
});
