// The audit log: every admin mutation of an order's story leaves one entry (who, what with its arguments,
// when, how it ended), refusals included; storefront and customer mutations leave none; only superadmins
// read it, filtered and paged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { settled } from '../helpers/settled.js';

const LOG = `query($f: AuditLogFilter, $first: Int, $after: String) { auditLog(filter: $f, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id at actorId actorName operation arguments outcome errorMessage requestId } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { status paymentStatus payments { id status } shipments { id status } } }`;

describe.each(DB_KINDS)('audit log on %s', (kind) => {
  let t: TestEngine;
  let catalogKey: string;
  beforeAll(async () => {
    t = await startTestEngine(kind);
    await setupShop(t, { variants: [{ sku: 'AU', price: 1000, stock: { 'wh-a': 10 } }] });
    catalogKey = ok(await t.admin(`mutation { createApiKey(name: "catalog-bot", roles: ["catalog"]) { token } }`)).createApiKey.token;
  }, 60_000);
  afterAll(() => t?.stop());

  const log = async (f: Record<string, unknown> = {}, first = 100, after?: string) => ok(await t.admin(LOG, { f, first, after })).auditLog;

  it("records each admin mutation of an order's story with its arguments and outcome; storefront mutations are not in it", async () => {
    const setup = (await log()).nodes.map((e: any) => e.operation).reverse();
    expect(setup).toEqual(['createStockLocation', 'createProduct', 'adjustStock', 'createShippingMethod', 'setTaxRate', 'createApiKey']);
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'AU', quantity: 2 }]) })).placeOrder.order;
    const routed = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (o) => o.shipments.length === 1);
    const s = routed.shipments[0].id;
    for (const m of ['markShipmentPicked', 'markShipmentPacked']) ok(await t.admin(`mutation($id: ID!) { ${m}(id: $id) { id } }`, { id: s }));
    await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (o) => o.shipments[0].status === 'LABELLED');
    ok(await t.admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { id } }`, { id: s }));
    const paid = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (o) => o.paymentStatus === 'PAID');
    ok(await t.admin(`mutation($id: ID!) { refundPayment(id: $id, amount: 500, reason: "goodwill", idempotencyKey: "aud-1") { id } }`, { id: paid.payments[0].id }));
    // The same refund again with its key: a second request, so a second entry, and nothing refunded twice.
    ok(await t.admin(`mutation($id: ID!) { refundPayment(id: $id, amount: 500, reason: "goodwill", idempotencyKey: "aud-1") { id } }`, { id: paid.payments[0].id }));
    await settled(t);

    const story = (await log()).nodes.filter((e: any) => !setup.includes(e.operation)).reverse();
    expect(story.map((e: any) => [e.operation, e.outcome])).toEqual([
      ['markShipmentPicked', 'ok'], ['markShipmentPacked', 'ok'], ['markShipmentShipped', 'ok'], ['refundPayment', 'ok'], ['refundPayment', 'ok'],
    ]);
    expect(story[3]).toMatchObject({ actorName: 'superadmin', arguments: { id: paid.payments[0].id, amount: 500, reason: 'goodwill', idempotencyKey: 'aud-1' } });
    expect(story[0].arguments).toEqual({ id: s });
    expect(new Set(story.map((e: any) => e.requestId)).size).toBe(5);
    expect(story.every((e: any) => e.actorId && !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('records refusals with their code: a key without the role, bad input; a catalog key cannot read the log', async () => {
    const refused = await t.gql(`mutation { adjustStock(input: { sku: "AU", locationCode: "wh-a", delta: 5, reason: RECEIVED }) { onHand } }`, {}, catalogKey);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(codeOf(await t.admin(`mutation { adjustStock(input: { sku: "AU", locationCode: "nowhere", delta: 1, reason: RECEIVED }) { onHand } }`))).toBe('BAD_USER_INPUT');
    const [bad, forbidden] = (await log({}, 2)).nodes;
    expect(forbidden).toMatchObject({ operation: 'adjustStock', outcome: 'FORBIDDEN', actorName: 'catalog-bot', arguments: { input: { sku: 'AU', locationCode: 'wh-a', delta: 5 } } });
    expect(bad).toMatchObject({ operation: 'adjustStock', outcome: 'BAD_USER_INPUT', arguments: { input: { sku: 'AU', locationCode: 'nowhere', delta: 1, reason: 'RECEIVED' } } });
    expect(bad.errorMessage).toMatch(/nowhere/);
    expect(codeOf(await t.gql(LOG, {}, catalogKey))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(LOG, {}))).toBe('UNAUTHENTICATED');
  });

  it('filters by operation, actor and outcome, and pages newest first', async () => {
    const refunds = await log({ operation: 'refundPayment' });
    expect(refunds.totalCount).toBe(2);
    const byCatalog = await log({ actorId: (await log({ outcome: 'FORBIDDEN' })).nodes[0].actorId });
    expect(byCatalog.nodes.map((e: any) => [e.operation, e.actorName])).toEqual([['adjustStock', 'catalog-bot']]);
    const all = await log();
    const first = await log({}, 3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await log({}, 3, first.pageInfo.endCursor);
    expect([...first.nodes, ...next.nodes].map((e: any) => e.id)).toEqual(all.nodes.slice(0, 6).map((e: any) => e.id));
    const future = await log({ since: new Date(Date.now() + 60_000).toISOString() });
    expect(future.totalCount).toBe(0);
  });
});
