// Repeated operations run as compiled plans (kernel/compiled-execution.ts): with the default threshold, a
// document's first two executions are graphql-js's and the next ones the compiled plan's. A client must not
// see the difference: the same status and the same bytes, for data, errors (in resolvers, in variables, in
// input validation), fragments, interfaces, directives and introspection, and the same mutation results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { ok } from '../helpers/gql.js';
import { COMPILE_MAX_CHARS, compiledStats } from '../../src/kernel/compiled-execution.js';

interface Op {
  name: string;
  query: string;
  variables?: () => Record<string, unknown>;
  admin?: boolean;
  /** Whether the compiled plan gives the answer (false: graphql-js's, as when the variables do not coerce). */
  compiled: boolean;
}

async function post(t: TestEngine, op: Op): Promise<{ status: number; text: string }> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(op.admin ? { authorization: `Bearer ${ADMIN_KEY}` } : {}) },
    body: JSON.stringify({ query: op.query, variables: op.variables?.() }),
  });
  return { status: res.status, text: await res.text() };
}

describe.each(DB_KINDS)('compiled execution (%s)', (kind) => {
  let t: TestEngine;
  let productId = '';
  let orderNumber = '';

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_COMPILE_AFTER: '2' } });
    await setupShop(t, { variants: [{ sku: 'CE-1', price: 1250, stock: { 'wh-a': 100 } }, { sku: 'CE-2', price: 990, stock: { 'wh-a': 100 } }] });
    const products = ok(await t.gql(`{ products(first: 1) { edges { node { id } } } }`));
    productId = products.products.edges[0].node.id;
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CE-1', quantity: 2 }, { sku: 'CE-2', quantity: 1 }]) }));
    orderNumber = placed.placeOrder.order.number;
  });
  afterAll(async () => t?.stop());

  const OPS: Op[] = [
    {
      name: 'a list with a fragment, aliases and __typename',
      query: `query Products($first: Int) { products(first: $first) { edges { cursor node { ...P } } pageInfo { hasNextPage } } }
        fragment P on Product { __typename id name archived cheap: variants { sku price available currencyCode } }`,
      variables: () => ({ first: 5 }),
      compiled: true,
    },
    {
      name: 'an interface with inline fragments',
      query: `query Node($id: ID!) { node(id: $id) { __typename id ... on Product { name variants { sku } } ... on Order { number } } }`,
      variables: () => ({ id: productId }),
      compiled: true,
    },
    {
      name: '@skip and @include by variables',
      query: `query Skip($id: ID!, $names: Boolean!, $skus: Boolean!) { node(id: $id) { id ... on Product { name @include(if: $names) variants @skip(if: $skus) { sku } } } }`,
      variables: () => ({ id: productId, names: false, skus: false }),
      compiled: true,
    },
    {
      name: 'an admin order with its lines, payments and history',
      query: `query Order($n: String!) { orderByNumber(number: $n) { number status total currencyCode lines { sku quantity unitPrice lineTotal }
        payments { status amount method } history { type fromStatus toStatus } shippingAddress { city countryCode } } }`,
      variables: () => ({ n: orderNumber }),
      admin: true,
      compiled: true,
    },
    {
      name: 'a resolver error (NOT_FOUND) beside data',
      query: `query Card($code: String!) { giftCard(code: $code) { balance } products(first: 1) { edges { node { name } } } }`,
      variables: () => ({ code: 'NO-SUCH-CARD' }),
      compiled: true,
    },
    {
      name: 'a field the caller may not see (null with FORBIDDEN or UNAUTHENTICATED)',
      query: `query Orders { orders(first: 1) { totalCount } }`,
      compiled: true,
    },
    {
      name: 'variables that do not coerce (400)',
      query: `query Bad($first: Int) { products(first: $first) { edges { node { id } } } }`,
      variables: () => ({ first: 'ten' }),
      compiled: false,
    },
    {
      name: 'a missing non-null variable (400)',
      query: `query Missing($id: ID!) { node(id: $id) { id } }`,
      compiled: false,
    },
    {
      name: 'input rejected by validation (bad e-mail in a quote)',
      query: `query Quote($input: PlaceOrderInput!) { quoteOrder(input: $input) { total placeable } }`,
      variables: () => ({ input: orderInput([{ sku: 'CE-1', quantity: 1 }], { email: 'not-an-email' }) }),
      compiled: true,
    },
    {
      name: 'a quote with nested input objects, lists and enums',
      query: `query Quote2($input: PlaceOrderInput!) { quoteOrder(input: $input) { subtotal shippingTotal taxTotal total placeable lines { sku quantity available } } }`,
      variables: () => ({ input: orderInput([{ sku: 'CE-1', quantity: 3 }, { sku: 'CE-2', quantity: 1 }]) }),
      compiled: true,
    },
    {
      name: 'a document longer than COMPILE_MAX_CHARS (always graphql-js)',
      query: `# ${'a long comment '.repeat(Math.ceil(COMPILE_MAX_CHARS / 15))}\nquery Long { products(first: 2) { edges { node { name } } } }`,
      compiled: false,
    },
    {
      name: 'introspection',
      query: `{ __type(name: "Order") { name kind fields { name type { kind name ofType { kind name } } } } }`,
      compiled: true,
    },
  ];

  it.each(OPS)('$name: the same answer before and after compilation', async (op) => {
    const before = compiledStats.answers;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(t, op));
    // Runs 1 and 2 were graphql-js's; 3 and 4 the plan's (or graphql-js's again when the variables failed).
    expect(compiledStats.answers - before).toBe(op.compiled ? 2 : 0);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[3]).toEqual(answers[1]);
    expect(answers[0].text.length).toBeGreaterThan(20);
  });

  it('places orders the same way compiled: same totals, lines, payments and history, stock reserved once each', async () => {
    const op: Op = {
      name: 'placeOrder',
      // A document of its own: beforeAll's order ran PLACE_ORDER once already.
      query: PLACE_ORDER.replace('mutation(', 'mutation Place('),
      variables: () => ({ input: orderInput([{ sku: 'CE-2', quantity: 2 }]) }),
      compiled: true,
    };
    const [[{ n: reservedBefore }]] = [await t.sql(`SELECT SUM(reserved) AS n FROM stock_level WHERE sku = 'CE-2'`)];
    const before = compiledStats.answers;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(JSON.parse((await post(t, op)).text));
    expect(compiledStats.answers - before).toBe(2);
    // What differs between two orders: their ids, numbers, tokens and payment transactions.
    const strip = (a: any) => {
      const o = a.data.placeOrder.order;
      return {
        ...o, id: 'x', number: 'x', estimatedDeliveryAt: 'x',
        lines: o.lines.map((l: any) => ({ ...l, id: 'x' })),
        history: o.history.map((h: any) => ({ ...h, message: h.message?.replace(o.number, 'x') })),
        payments: o.payments.map((p: any) => ({ ...p, id: 'x', transactionId: 'x' })),
      };
    };
    expect(answers.every((a) => !a.errors && a.data.placeOrder.order.status)).toBe(true);
    expect(strip(answers[2])).toEqual(strip(answers[0]));
    expect(strip(answers[3])).toEqual(strip(answers[1]));
    expect(new Set(answers.map((a) => a.data.placeOrder.order.number)).size).toBe(4);
    const [{ n: reservedAfter }] = await t.sql(`SELECT SUM(reserved) AS n FROM stock_level WHERE sku = 'CE-2'`);
    expect(Number(reservedAfter) - Number(reservedBefore)).toBe(8);
  });
});
