// Reads by plain SQL (kernel/db/plain-find.ts: pages, per-request loaders, the order by id or number) must
// answer what em.find answers: the same rows, in the same order, with the same values (dates, JSON,
// embeddables, relations by id). Each filter the read side uses is run both ways on a shop with orders in
// several states, on both databases; a filter plain SQL does not know falls back to the ORM.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { plainCount, plainFind, plainWhere } from '../../src/kernel/db/plain-find.js';
import { dialectOf } from '../../src/kernel/db/dialect.js';
import type { Em } from '../../src/kernel/db/orm.js';
import { Order } from '../../src/order-core/order.entity.js';
import { OrderLine } from '../../src/order-core/order-line.entity.js';
import { OrderHistoryEntry } from '../../src/order-core/order-history.entity.js';
import { Payment } from '../../src/payments/payment.entity.js';
import { ApiKey } from '../../src/auth/api-key.entity.js';

/** An entity's persisted fields as plain values: relations by id, dates as ISO text. */
function valuesOf(em: Em, entityName: string, e: object): Record<string, unknown> {
  const meta = em.getMetadata().get(entityName);
  const out: Record<string, unknown> = {};
  const plain = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v && typeof v === 'object' && 'id' in v ? (v as { id: string }).id : v);
  for (const p of meta.props) {
    if (p.persist === false || p.embedded || p.kind === 'm:n' || p.kind === '1:m') continue;
    const v = (e as Record<string, unknown>)[p.name];
    out[p.name] = p.kind === 'embedded' && v ? JSON.parse(JSON.stringify(v)) : plain(v ?? null);
  }
  return out;
}

describe.each(DB_KINDS)('reads by plain SQL on %s', (kind) => {
  let t: TestEngine;
  const ids: string[] = [];
  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, { variants: [{ sku: 'PF-1', price: 1250, stock: { 'wh-a': 50 } }, { sku: 'PF-2', price: 399, stock: { 'wh-a': 50 } }] });
    for (let i = 0; i < 6; i++) {
      const lines = i % 2 ? [{ sku: 'PF-1', quantity: 1 }, { sku: 'PF-2', quantity: i }] : [{ sku: 'PF-2', quantity: 1 }];
      const extra = i === 3 ? { billingAddress: { name: 'B', line1: 'Billing 1', city: 'Wien', postalCode: '1010', countryCode: 'AT' } } : {};
      ids.push(ok(await t.gql(PLACE_ORDER, { input: orderInput(lines, { email: `pf${i % 3}@example.com`, ...extra }) })).placeOrder.order.id);
    }
    ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "check") { status } }`, { id: ids[1] }));
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: ids[4] }));
  }, 60_000);
  afterAll(async () => { await t?.stop(); });

  const em = () => (t.em() as Em).fork() as Em;

  async function same<T extends object>(entity: abstract new (...a: never[]) => T, where: object, options: { orderBy?: Record<string, 'asc' | 'desc'>; limit?: number } = {}): Promise<T[]> {
    const plain = await plainFind<T>(em(), entity as never, where, options);
    expect(plain, `plain SQL reads ${entity.name} ${JSON.stringify(where)}`).not.toBeNull();
    const orm = await em().find(entity as never, where as never, { orderBy: options.orderBy as never, limit: options.limit });
    expect(plain!.length).toBeGreaterThan(0);
    expect(plain!.map((e) => valuesOf(em(), entity.name, e))).toEqual(orm.map((e) => valuesOf(em(), entity.name, e as object)));
    for (const e of plain!) expect(e).toBeInstanceOf(entity as never);
    return plain!;
  }

  it('reads orders as the ORM does: each filter of the orders list, newest first, and a page after a cursor', async () => {
    const newest = { orderBy: { id: 'desc' as const }, limit: 21 };
    await same(Order, {}, newest);
    await same(Order, { status: 'CONFIRMED' }, newest);
    await same(Order, { status: { $in: ['ON_HOLD', 'CANCELLED'] } }, newest);
    await same(Order, { email: 'pf1@example.com' }, newest);
    const [first] = await em().find(Order, { id: ids[0] });
    await same(Order, { channel: first.channel.id, placedAt: { $gte: new Date(Date.now() - 3600_000), $lt: new Date(Date.now() + 1000) } }, newest);
    await same(Order, { $and: [{ status: { $in: ['CONFIRMED', 'ON_HOLD'] } }, { id: { $lt: ids[3] } }] }, newest);
    await same(Order, { $or: [{ email: 'pf0@example.com' }, { status: 'CANCELLED' }] }, newest);
    await same(Order, { customer: null }, { orderBy: { id: 'desc' }, limit: 2 });
    const read = await same(Order, { id: ids[3] });
    expect(read[0].billingAddress?.city).toBe('Wien'); // an embeddable, read from its columns
    expect(read[0].shippingAddress.city).toBeTruthy();
    expect(read[0].placedAt).toBeInstanceOf(Date);
  });

  it("reads the loaders' children as the ORM does: lines, payments and history by order, in their order", async () => {
    await same(OrderLine, { order: { $in: ids } }, { orderBy: { id: 'asc' } });
    await same(Payment, { order: { $in: ids } }, { orderBy: { id: 'asc' } });
    const history = await same(OrderHistoryEntry, { order: { $in: [ids[1], ids[4]] } }, { orderBy: { id: 'asc' } });
    expect(history.map((h) => h.toStatus)).toEqual(expect.arrayContaining(['ON_HOLD', 'CANCELLED']));
    await same(ApiKey, { revokedAt: null }); // JSON columns (roles) parsed as the ORM parses them
  });

  it('counts as the ORM counts', async () => {
    for (const where of [{}, { status: 'CONFIRMED' }, { status: { $in: ['ON_HOLD', 'CANCELLED'] } }, { email: 'nobody@example.com' }]) {
      expect(await plainCount(em(), Order, where)).toBe(await em().count(Order, where as never));
    }
  });

  it('leaves to the ORM what it does not know: a filter on a relation, a subquery, a JSON column', () => {
    const d = dialectOf(em());
    const meta = em().getMetadata().get('Order');
    expect(plainWhere(meta, { channel: { code: 'default' } }, d)).toBeNull();
    expect(plainWhere(meta, { id: { $in: em().createQueryBuilder(OrderLine, 'l').select('l.order_id').getKnexQuery() } }, d)).toBeNull();
    expect(plainWhere(meta, { discounts: [] }, d)).toBeNull();
    expect(plainWhere(meta, { email: { $like: '%x%' } }, d)).toBeNull();
    expect(plainWhere(meta, { status: 'CONFIRMED', placedAt: { $gte: new Date(0) } }, d)).not.toBeNull();
  });
});
