// Idempotency keys on the mutations that move stock (kernel/idempotency.ts), on both databases, through
// GraphQL as staff and customers send them: a retried adjustStock, requestReturn or receiveReturn
// answers with the first result and moves nothing again; the same key with another input is CONFLICT;
// five simultaneous requests with one key apply once; a malformed key is BAD_USER_INPUT.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { setupShop } from '../helpers/fixtures.js';
import { deliveredOrder, RECEIVE_RETURN, REQUEST_RETURN } from '../helpers/returns.js';
import { until } from '../helpers/until.js';

const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`;
const ADJUST = `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { sku onHand reserved location { code } } }`;
const RETURNS = `query($id: ID!) { order(id: $id) { returns { id status } } }`;
const RETURN_STATUS = `query($id: ID!) { returnRequest(id: $id) { status } }`;
const LOCATION = 'auto';

describe.each(DB_KINDS)('idempotency keys on %s', (kind: DbKind) => {
  let t: TestEngine;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, {
      locations: [{ code: LOCATION, priority: 5, autoFulfill: true }],
      variants: [
        { sku: 'K1', price: 100, stock: { [LOCATION]: 5 } },
        { sku: 'K2', price: 100, stock: { [LOCATION]: 5 } },
        { sku: 'RACE', price: 100, stock: { [LOCATION]: 5 } },
        { sku: 'R1', price: 1000, stock: { [LOCATION]: 50 } },
      ],
    });
    alice = ok(await t.gql(REGISTER, { i: { email: 'alice@example.com', password: 'correct horse' } })).registerCustomer.token;
    bob = ok(await t.gql(REGISTER, { i: { email: 'bob@example.com', password: 'battery staple' } })).registerCustomer.token;
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  const adjust = (sku: string, delta: number, key?: string, extra: Record<string, unknown> = {}) =>
    t.admin(ADJUST, { i: { sku, locationCode: LOCATION, delta, reason: 'RECEIVED', idempotencyKey: key, ...extra } });
  /** What an adjustment changes: the level, its movements (which must add up to it), its events. */
  const stockOf = async (sku: string) => {
    const [[level], movements, [events]] = await Promise.all([
      t.sql('SELECT sl.on_hand FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id WHERE sl.sku = ? AND l.code = ?', [sku, LOCATION]),
      t.sql('SELECT m.delta, m.reason FROM stock_movement m JOIN stock_location l ON l.id = m.location_id WHERE m.sku = ? AND l.code = ? ORDER BY m.id', [sku, LOCATION]),
      t.sql(`SELECT COUNT(*) AS n FROM outbox_event WHERE type = 'stock.changed' AND aggregate_id = (SELECT id FROM product_variant WHERE sku = ?)`, [sku]),
    ]);
    const deltas = movements.map((m: any) => Number(m.delta));
    return { onHand: Number(level.on_hand), movements: deltas.length, ledger: deltas.reduce((a: number, b: number) => a + b, 0), events: Number(events.n) };
  };
  const returnedMovements = async (orderId: string) =>
    (await t.sql("SELECT delta FROM stock_movement WHERE order_id = ? AND reason = 'RETURNED'", [orderId])).map((m: any) => Number(m.delta));

  it('answers a retried adjustStock +10 with the first stock level: on hand +10 once, one movement', async () => {
    const before = await stockOf('K1');
    const first = ok(await adjust('K1', 10, 'po-4711')).adjustStock;
    expect(first).toMatchObject({ sku: 'K1', onHand: before.onHand + 10, location: { code: LOCATION } });
    // The retry (the answer was lost): the same level, nothing moved again. A note sent as null is no note.
    const again = ok(await adjust('K1', 10, 'po-4711', { note: null })).adjustStock;
    expect(again).toEqual(first);
    const after = await stockOf('K1');
    expect(after).toEqual({ onHand: before.onHand + 10, movements: before.movements + 1, ledger: before.ledger + 10, events: before.events + 1 });
    // Without a key every call adds its delta, as before.
    ok(await adjust('K1', 1));
    ok(await adjust('K1', 1));
    expect((await stockOf('K1')).onHand).toBe(before.onHand + 12);
  });

  it('refuses the same key with another input (CONFLICT) and changes nothing; a refused request leaves its key unused', async () => {
    ok(await adjust('K2', 10, 'po-conflict'));
    const before = await stockOf('K2');
    // Another delta, another SKU, another reason: each is another request.
    for (const other of [() => adjust('K2', 11, 'po-conflict'), () => adjust('K1', 10, 'po-conflict'), () => adjust('K2', 10, 'po-conflict', { reason: 'CORRECTION' })]) {
      const r = await other();
      expect(codeOf(r)).toBe('CONFLICT');
      expect(r.errors![0].message).toMatch(/idempotencyKey was used for a different request/);
    }
    expect(await stockOf('K2')).toEqual(before);
    expect((await stockOf('K1')).onHand).toBe((await stockOf('K1')).ledger);

    // Taking out more than is on hand is refused: nothing was applied, so the key is still free.
    expect(codeOf(await adjust('K2', -1000, 'count-9'))).toBe('INSUFFICIENT_STOCK');
    expect(await stockOf('K2')).toEqual(before);
    expect(ok(await adjust('K2', -1, 'count-9')).adjustStock.onHand).toBe(before.onHand - 1);
  });

  it('applies five simultaneous adjustStock with one key once: the ledger adds up to the level', async () => {
    const before = await stockOf('RACE');
    const send = () => adjust('RACE', 7, 'delivery-88');
    let answers;
    if (kind === 'postgresql') {
      // Truly at the same moment: a transaction of the test's own holds the level's row, so the first
      // request waits inside its transaction (after claiming the key) and the others wait behind it.
      // All five are waiting on locks in the database before the row is let go.
      const blocker = new pg.Client({ connectionString: t.env.DATABASE_URL });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query("SELECT id FROM stock_level WHERE sku = 'RACE' FOR UPDATE");
        const pending = Promise.all(Array.from({ length: 5 }, send));
        // pg_stat_activity is read once per transaction (stats_fetch_consistency = cache) unless the
        // snapshot is cleared: without it, the count stays what the first look saw.
        const waiting = async () => {
          await blocker.query('SELECT pg_stat_clear_snapshot()');
          return Number((await blocker.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n);
        };
        await until(waiting, (n) => n >= 5);
        await blocker.query('COMMIT');
        answers = await pending;
      } finally {
        await blocker.end();
      }
    } else {
      answers = await Promise.all(Array.from({ length: 5 }, send));
    }
    const levels = answers.map((r) => ok(r).adjustStock);
    expect(levels).toEqual(Array(5).fill({ sku: 'RACE', onHand: before.onHand + 7, reserved: 0, location: { code: LOCATION } }));
    const after = await stockOf('RACE');
    expect(after).toEqual({ onHand: before.onHand + 7, movements: before.movements + 1, ledger: before.ledger + 7, events: before.events + 1 });
    expect(after.ledger).toBe(after.onHand);
  });

  it('answers a retried requestReturn with the first return; another customer with the same key gets their own', async () => {
    const { order: o } = await deliveredOrder(t, [{ sku: 'R1', quantity: 2 }], alice);
    const input = { orderId: o.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'CHANGED_MIND' }], resolution: 'REFUND' };
    const first = ok(await t.gql(REQUEST_RETURN, { i: input, key: 'rma-1' }, alice)).requestReturn;
    expect(first.status).toBe('REQUESTED');
    const again = ok(await t.gql(REQUEST_RETURN, { i: input, key: 'rma-1' }, alice)).requestReturn;
    expect(again).toEqual(first);
    expect(ok(await t.admin(RETURNS, { id: o.id })).order.returns).toEqual([{ id: first.id, status: 'REQUESTED' }]);
    const events = await t.sql("SELECT id FROM outbox_event WHERE type = 'return.requested' AND aggregate_id = ?", [o.id]);
    expect(events).toHaveLength(1);

    // The same key for another reason: CONFLICT, no second return (the unit left would be returnable).
    const other = await t.gql(REQUEST_RETURN, { i: { ...input, lines: [{ ...input.lines[0], reason: 'OTHER' }] }, key: 'rma-1' }, alice);
    expect(codeOf(other)).toBe('CONFLICT');
    expect(ok(await t.admin(RETURNS, { id: o.id })).order.returns).toHaveLength(1);

    // Bob's key is his own: his 'rma-1' requests his return.
    const { order: bobs } = await deliveredOrder(t, [{ sku: 'R1', quantity: 1 }], bob);
    const his = ok(await t.gql(REQUEST_RETURN, { i: { ...input, orderId: bobs.id, lines: [{ ...input.lines[0], orderLineId: bobs.lines[0].id }] }, key: 'rma-1' }, bob)).requestReturn;
    expect(his.id).not.toBe(first.id);
    expect(his.order.id).toBe(bobs.id);
  });

  it('answers a retried receiveReturn with the return: restocked once, one RETURNED movement, even after it completed', async () => {
    const { order: o } = await deliveredOrder(t, [{ sku: 'R1', quantity: 2 }], alice);
    const r = ok(await t.admin(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: o.lines[0].id, quantity: 2, reason: 'CHANGED_MIND' }], resolution: 'REFUND' }, approve: true })).requestReturn;
    const before = await stockOf('R1');
    const lines = [{ returnLineId: r.lines[0].id, quantity: 2, disposition: 'RESTOCK' }];
    const first = ok(await t.admin(RECEIVE_RETURN, { id: r.id, lines, key: 'dock-7' })).receiveReturn;
    expect(first.status).toBe('RECEIVED');
    expect(first.lines[0]).toMatchObject({ quantityReceived: 2, orderLine: { quantityReturned: 2 } });
    const again = ok(await t.admin(RECEIVE_RETURN, { id: r.id, lines, key: 'dock-7' })).receiveReturn;
    expect(again.id).toBe(r.id);
    expect(again.lines[0]).toMatchObject({ quantityReceived: 2, orderLine: { quantityReturned: 2 } });
    expect(await returnedMovements(o.id)).toEqual([2]);
    expect((await stockOf('R1')).onHand).toBe(before.onHand + 2);

    // The refund job moves it on; a late retry still answers with the return and restocks nothing.
    await until(async () => ok(await t.admin(RETURN_STATUS, { id: r.id })).returnRequest.status, (s) => s === 'COMPLETED');
    const late = ok(await t.admin(RECEIVE_RETURN, { id: r.id, lines, key: 'dock-7' })).receiveReturn;
    expect(late).toMatchObject({ id: r.id, status: 'COMPLETED' });
    expect(codeOf(await t.admin(RECEIVE_RETURN, { id: r.id, lines: [{ ...lines[0], disposition: 'DAMAGED' }], key: 'dock-7' }))).toBe('CONFLICT');
    expect(await returnedMovements(o.id)).toEqual([2]);
    const after = await stockOf('R1');
    expect(after.onHand).toBe(before.onHand + 2);
    expect(after.ledger).toBe(after.onHand);
  });

  it('refuses a malformed key (BAD_USER_INPUT naming idempotencyKey) and changes nothing', async () => {
    const { order: o } = await deliveredOrder(t, [{ sku: 'R1', quantity: 1 }], alice);
    const r = ok(await t.admin(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'OTHER' }], resolution: 'REFUND' }, approve: true })).requestReturn;
    const k1 = await stockOf('K1');
    const r1 = await stockOf('R1');
    for (const key of ['', 'has space', 'x'.repeat(201), 'semi;colon']) {
      const refused = [
        await adjust('K1', 3, key),
        await t.gql(REQUEST_RETURN, { i: { orderId: o.id, lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'OTHER' }], resolution: 'REFUND' }, key }, alice),
        await t.admin(RECEIVE_RETURN, { id: r.id, lines: [{ returnLineId: r.lines[0].id, quantity: 1, disposition: 'RESTOCK' }], key }),
      ];
      for (const x of refused) {
        expect(codeOf(x), JSON.stringify(x.errors)).toBe('BAD_USER_INPUT');
        expect(x.errors![0].extensions).toMatchObject({ field: 'idempotencyKey' });
      }
    }
    expect(await stockOf('K1')).toEqual(k1);
    expect(await stockOf('R1')).toEqual(r1);
    expect(ok(await t.admin(RETURNS, { id: o.id })).order.returns).toEqual([{ id: r.id, status: 'APPROVED' }]);
    // The longest key there may be, with every kind of character allowed, works.
    expect(ok(await adjust('K1', 1, `${'k'.repeat(191)}-.:_12345`)).adjustStock.onHand).toBe(k1.onHand + 1);
  });
});
