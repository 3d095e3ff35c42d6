// The returns of a page of orders with their lines (Order.returns): the lines of all those returns are read
// in one statement sent alongside the returns' own and handed to ReturnRequest.lines. The answer is the
// same as each return read on its own, with or without fragments, and the statements do not grow with the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { setupShop } from '../helpers/fixtures.js';
import { deliveredOrder, REQUEST_RETURN } from '../helpers/returns.js';

const LINE = 'id quantity reason orderLine { sku }';
const PAGE = (n: number) => `{ orders(first: ${n}) { nodes { id returns { id number status lines { ${LINE} } } } } }`;
const PAGE_FRAGMENT = (n: number) => `query { orders(first: ${n}) { nodes { id returns { id ...R } } } }
  fragment R on ReturnRequest { number status ... on ReturnRequest { lines { ${LINE} } } }`;
const PAGE_NO_LINES = (n: number) => `{ orders(first: ${n}) { nodes { id returns { id number status } } } }`;
const ONE = `query($id: ID!) { returnRequest(id: $id) { id number status lines { ${LINE} } } }`;

describe.each(DB_KINDS)('the returns of a page of orders on %s', (kind) => {
  let t: TestEngine;
  const counted = (query: string, variables: Record<string, unknown>) => gqlAt(t.url, query, variables, ADMIN_KEY, { 'x-ordo-count-sql': '1' });

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_DEBUG_SQL: '1' } });
    await setupShop(t, {
      locations: [{ code: 'auto', priority: 5, autoFulfill: true }],
      variants: [{ sku: 'P1', price: 1000, stock: { auto: 50 } }, { sku: 'P2', price: 500, stock: { auto: 50 } }],
    });
    const alice = ok(await t.gql(`mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`,
      { i: { email: 'alice@example.com', password: 'correct horse' } })).registerCustomer.token;
    const orders = [];
    for (let i = 0; i < 3; i++) orders.push((await deliveredOrder(t, [{ sku: 'P1', quantity: 2 }, { sku: 'P2', quantity: 2 }], alice)).order);
    const line = (o: any, sku: string) => o.lines.find((l: any) => l.sku === sku).id;
    const request = async (o: any, lines: { sku: string; quantity: number }[], approve: boolean) => ok(await t.admin(REQUEST_RETURN, {
      i: { orderId: o.id, lines: lines.map((l) => ({ orderLineId: line(o, l.sku), quantity: l.quantity, reason: 'CHANGED_MIND' })), resolution: 'REFUND' }, approve,
    }));
    // orders[0]: none; orders[1]: two returns of a line each; orders[2]: one return of two lines.
    await request(orders[1], [{ sku: 'P1', quantity: 1 }], true);
    await request(orders[1], [{ sku: 'P2', quantity: 2 }], false);
    await request(orders[2], [{ sku: 'P1', quantity: 2 }, { sku: 'P2', quantity: 1 }], true);
  }, 120_000);
  afterAll(async () => t?.stop());

  it('answers each return with its own lines, as returnRequest(id) does, with or without fragments', async () => {
    for (const query of [PAGE, PAGE_FRAGMENT]) {
      const nodes = ok(await t.admin(query(3))).orders.nodes;
      expect(nodes.map((o: any) => o.returns.length).sort()).toEqual([0, 1, 2]);
      for (const o of nodes) {
        for (const r of o.returns) {
          const alone = ok(await t.admin(ONE, { id: r.id })).returnRequest;
          expect(r).toEqual(alone);
          expect(r.lines.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('reads the lines of all returns of a page (and their order lines) in a statement each, whatever the page size', async () => {
    const [one, all, without] = await Promise.all([counted(PAGE(1), {}), counted(PAGE(3), {}), counted(PAGE_NO_LINES(3), {})]);
    expect(ok(all).orders.nodes).toHaveLength(3);
    expect(all.sqlCount).toBe(one.sqlCount);
    expect(all.sqlCount).toBe(without.sqlCount! + 2); // the returns' lines, and the order lines they name
  });
});
