// The statement budget of the hot paths, counted by the engine itself (x-ordo-count-sql): a 3-line
// placeOrder, and a page of orders with lines and payments, which must not grow with the page size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';

const PAGE = `query($n: Int) { orders(first: $n) { totalCount nodes { id number status total lines { sku quantity lineTotal } payments { status amount } } } }`;

describe.each(DB_KINDS)('SQL statements per request on %s', (kind) => {
  let t: TestEngine;
  const counted = (query: string, variables: Record<string, unknown>, token?: string) =>
    gqlAt(t.url, query, variables, token, { 'x-ordo-count-sql': '1' });

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_DEBUG_SQL: '1', ORDO_REFERENCE_CACHE_MS: '60000' } });
    await setupShop(t, { variants: ['X1', 'X2', 'X3'].map((sku) => ({ sku, price: 100, stock: { 'wh-a': 1000 } })) });
  });
  afterAll(async () => t?.stop());

  it('places a 3-line order in at most 12 statements (BEGIN and COMMIT included)', async () => {
    const input = orderInput([{ sku: 'X1', quantity: 1 }, { sku: 'X2', quantity: 2 }, { sku: 'X3', quantity: 3 }]);
    ok(await t.gql(PLACE_ORDER, { input })); // warms the reference-data cache
    const r = await counted(`mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { accessToken order { id status } } }`, { input });
    expect(ok(r).placeOrder.order.status).toBe('CONFIRMED');
    expect(r.sqlCount).toBeGreaterThan(3);
    expect(r.sqlCount).toBeLessThanOrEqual(12);
  });

  it('reads a page of orders with lines and payments in the same few statements for 5 or 100 orders', async () => {
    for (let i = 0; i < 100; i += 20) {
      await Promise.all(Array.from({ length: 20 }, () => t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'X1', quantity: 1 }, { sku: 'X2', quantity: 1 }]) })));
    }
    const small = await counted(PAGE, { n: 5 }, ADMIN_KEY);
    const big = await counted(PAGE, { n: 100 }, ADMIN_KEY);
    expect(ok(big).orders.nodes).toHaveLength(100);
    expect(ok(big).orders.nodes.every((o: any) => o.lines.length >= 2 && o.payments.length === 1)).toBe(true);
    expect(big.sqlCount).toBe(small.sqlCount);
    expect(big.sqlCount).toBeLessThanOrEqual(6);
  });
});
