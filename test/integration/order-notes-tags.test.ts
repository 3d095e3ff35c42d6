// Staff notes and tags on orders, on both databases: tags are trimmed and lower-cased, filter the orders
// list (every tag given), show in the history naming the staff member; notes are history entries of type
// NOTE; a buyer reading their own order sees neither; a member kept to another channel cannot tag the
// order; bad input is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type DbKind, type TestEngine } from '../helpers/engine.js';
import { codeOf, fieldOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';

const TAG = `mutation($id: ID!, $tags: [String!]!) { tagOrder(orderId: $id, tags: $tags) { id tags } }`;
const UNTAG = `mutation($id: ID!, $tags: [String!]!) { untagOrder(orderId: $id, tags: $tags) { id tags } }`;
const NOTE = `mutation($id: ID!, $text: String!) { addOrderNote(orderId: $id, text: $text) { id staffNotes { type message actor } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id tags staffNotes { message } history { type message actor } } }`;
const LIST = `query($f: OrderFilter) { orders(first: 50, filter: $f) { totalCount edges { node { number tags } } } }`;

describe.each(DB_KINDS)('order notes and tags on %s', (kind: DbKind) => {
  let t: TestEngine;
  const orders: { id: string; number: string; token: string }[] = [];

  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { variants: [{ sku: 'NT', price: 1000, stock: { 'wh-a': 50 } }] });
    ok(await t.admin(`mutation { createChannel(input: { code: "eu-web", name: "EU web", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    for (let i = 0; i < 4; i++) {
      const r = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'NT', quantity: 1 }]) })).placeOrder;
      orders.push({ id: r.order.id, number: r.order.number, token: r.accessToken });
    }
  }, 90_000);
  afterAll(async () => t?.stop());

  it('tags filter the list (every tag given), untag removes, and the history names who did it', async () => {
    const [a, b, c] = orders;
    expect(ok(await t.admin(TAG, { id: a.id, tags: [' VIP ', 'wholesale', 'vip'] })).tagOrder.tags).toEqual(['vip', 'wholesale']);
    expect(ok(await t.admin(TAG, { id: b.id, tags: ['vip'] })).tagOrder.tags).toEqual(['vip']);
    // Tagging again changes nothing: no second history entry.
    ok(await t.admin(TAG, { id: b.id, tags: ['VIP'] }));
    ok(await t.admin(TAG, { id: c.id, tags: ['wholesale'] }));

    const numbers = async (tags: string[]) => ok(await t.admin(LIST, { f: { tags } })).orders.edges.map((e: any) => e.node.number).sort();
    expect(await numbers(['vip'])).toEqual([a.number, b.number].sort());
    expect(await numbers(['Wholesale'])).toEqual([a.number, c.number].sort());
    expect(await numbers(['vip', 'wholesale'])).toEqual([a.number]);
    expect(ok(await t.admin(LIST, { f: { tags: ['vip'] } })).orders.totalCount).toBe(2);
    expect(await numbers(['nobody'])).toEqual([]);

    expect(ok(await t.admin(UNTAG, { id: a.id, tags: ['vip', 'never-had'] })).untagOrder.tags).toEqual(['wholesale']);
    expect(await numbers(['vip'])).toEqual([b.number]);

    const history = ok(await t.admin(ORDER, { id: a.id })).order.history.filter((h: any) => h.type === 'TAGGED' || h.type === 'UNTAGGED');
    expect(history).toEqual([
      { type: 'TAGGED', message: 'Tagged vip, wholesale', actor: expect.any(String) },
      { type: 'UNTAGGED', message: 'Untagged vip', actor: expect.any(String) },
    ]);
    const bTagged = ok(await t.admin(ORDER, { id: b.id })).order.history.filter((h: any) => h.type === 'TAGGED');
    expect(bTagged).toHaveLength(1);
  });

  it('notes are staff history entries that the buyer does not see', async () => {
    const d = orders[3];
    const noted = ok(await t.admin(NOTE, { id: d.id, text: '  Customer called: deliver after 5pm.  ' })).addOrderNote;
    expect(noted.staffNotes).toEqual([{ type: 'NOTE', message: 'Customer called: deliver after 5pm.', actor: expect.any(String) }]);
    ok(await t.admin(TAG, { id: d.id, tags: ['difficult'] }));

    const staffView = ok(await t.admin(ORDER, { id: d.id })).order;
    expect(staffView.tags).toEqual(['difficult']);
    expect(staffView.history.map((h: any) => h.type)).toEqual(expect.arrayContaining(['NOTE', 'TAGGED']));

    const buyerView = ok(await t.gql(ORDER, { id: d.id }, d.token)).order;
    expect(buyerView.tags).toEqual([]);
    expect(buyerView.staffNotes).toEqual([]);
    expect(buyerView.history.length).toBeGreaterThan(0);
    expect(buyerView.history.some((h: any) => ['NOTE', 'TAGGED', 'UNTAGGED'].includes(h.type))).toBe(false);
    expect(JSON.stringify(buyerView)).not.toContain('5pm');
    // A buyer cannot tag or note their own order.
    expect(codeOf(await t.gql(TAG, { id: d.id, tags: ['mine'] }, d.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(NOTE, { id: d.id, text: 'hi' }, d.token))).toBe('FORBIDDEN');
  });

  it('bad input and other channels are refused and change nothing', async () => {
    const [a] = orders;
    const before = ok(await t.admin(ORDER, { id: a.id })).order;
    const empty = await t.admin(TAG, { id: a.id, tags: ['ok', '  '] });
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(fieldOf(empty)).toBe('tags');
    expect(codeOf(await t.admin(TAG, { id: a.id, tags: ['x'.repeat(41)] }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(NOTE, { id: a.id, text: '   ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(NOTE, { id: a.id, text: 'n'.repeat(2001) }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(TAG, { id: 'ord_missing', tags: ['x'] }))).toBe('NOT_FOUND');

    const scoped = ok(await t.admin(`mutation { createApiKey(name: "eu-ops", roles: ["orders"], channelCodes: ["eu-web"]) { token } }`)).createApiKey.token;
    const refused = await t.gql(TAG, { id: a.id, tags: ['eu'] }, scoped);
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(refused));
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(codeOf(await t.gql(NOTE, { id: a.id, text: 'eu note' }, scoped)));
    expect(ok(await t.admin(ORDER, { id: a.id })).order).toEqual(before);
  });
});
