// The admin order list keeps its answers while its SQL changed for big databases (docs/indexes.md): several
// statuses are read as one ordered scan per status and merged, a placedAt range also bounds the id, and
// totalCount is counted only when asked. Every page of every filter is checked against the whole list
// filtered here, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, ADMIN_KEY, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { gqlAt, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';

const LIST = `query($first: Int, $after: String, $f: OrderFilter) {
  orders(first: $first, after: $after, filter: $f) { nodes { id status placedAt channel { code } } pageInfo { hasNextPage endCursor } } }`;
const COUNT = `query($f: OrderFilter) { orders(first: 1, filter: $f) { totalCount } }`;

interface Row { id: string; status: string; placedAt: string; channel: { code: string } }

describe.each(DB_KINDS)('the orders list on %s', (kind) => {
  let t: TestEngine;
  let all: Row[] = [];

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_DEBUG_SQL: '1' } });
    await setupShop(t, { variants: [{ sku: 'L1', price: 100, stock: { 'wh-a': 1000 } }] });
    ok(await t.admin(`mutation { createChannel(input: { code: "shop-b", name: "Shop B", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const extra = i % 3 === 0 ? { channelCode: 'shop-b' } : {};
      ids.push(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'L1', quantity: 1 }], extra) })).placeOrder.order.id);
    }
    for (const [i, id] of ids.entries()) {
      if (i % 4 === 1) ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "check") { id } }`, { id }));
      if (i % 5 === 2) ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id) { id } }`, { id }));
    }
    all = ok(await t.admin(LIST, { first: 100 })).orders.nodes;
    expect(all).toHaveLength(24);
  });
  afterAll(async () => t?.stop());

  async function pages(f: Record<string, unknown>, first: number): Promise<Row[]> {
    const out: Row[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 50; guard++) {
      const page: any = ok(await t.admin(LIST, { first, after, f })).orders;
      out.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return out;
  }

  it('answers every page of status, channel and placedAt filters as the whole list filtered', async () => {
    const times = all.map((o) => Date.parse(o.placedAt)).sort((a, b) => a - b);
    const mid = new Date(times[8]).toISOString(), late = new Date(times[18]).toISOString();
    const filters: Record<string, unknown>[] = [
      { status: ['CONFIRMED'] },
      { status: ['CONFIRMED', 'ON_HOLD'] },
      { status: ['CANCELLED', 'ON_HOLD', 'CONFIRMED', 'ON_HOLD'] },
      { status: ['ON_HOLD', 'CANCELLED'], channelCode: 'shop-b' },
      { placedAfter: mid },
      { placedBefore: late },
      { placedAfter: mid, placedBefore: late, status: ['CONFIRMED', 'CANCELLED'] },
      { placedAfter: '2000-01-01T00:00:00Z', placedBefore: '2000-02-01T00:00:00Z' },
    ];
    for (const f of filters) {
      const want = all.filter((o) =>
        (!f.status || (f.status as string[]).includes(o.status)) &&
        (!f.channelCode || o.channel.code === f.channelCode) &&
        (!f.placedAfter || Date.parse(o.placedAt) >= Date.parse(f.placedAfter as string)) &&
        (!f.placedBefore || Date.parse(o.placedAt) < Date.parse(f.placedBefore as string)));
      for (const first of [1, 4, 100]) {
        expect((await pages(f, first)).map((o) => o.id), `${JSON.stringify(f)} first ${first}`).toEqual(want.map((o) => o.id));
      }
      expect(ok(await t.admin(COUNT, { f })).orders.totalCount, JSON.stringify(f)).toBe(want.length);
    }
  });

  it('counts only when totalCount is asked for', async () => {
    const count = async (q: string) => (await gqlAt(t.url, q, { f: { status: ['CONFIRMED', 'ON_HOLD'] } }, ADMIN_KEY, { 'x-ordo-count-sql': '1' })).sqlCount!;
    const without = await count(`query($f: OrderFilter) { orders(first: 5, filter: $f) { nodes { id } } }`);
    const withCount = await count(`query($f: OrderFilter) { orders(first: 5, filter: $f) { totalCount nodes { id } } }`);
    expect(withCount).toBe(without + 1);
  });
});
