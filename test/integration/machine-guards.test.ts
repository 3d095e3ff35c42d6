// Guards a plugin puts on each of the engine's state machines (order, shipment, payment, return) are
// honoured, on both databases: a refused move answers the guard's error and changes nothing, and the
// same move by someone the guard lets through goes ahead. A guard on a machine no module defines stops
// the start, naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { definePlugin, OrdoError, type TransitionGuard } from '../../src/index.js';
import { createEngine } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/** Refuses every move made by the API key named "restricted", on the machine it is given to. */
const refuseRestricted = (machine: string): TransitionGuard<string> => ({ actor, from, to }) => {
  if (actor === 'restricted') throw new OrdoError('FORBIDDEN', `gatekeeper: the ${machine} may not go from ${from} to ${to} for ${actor}.`);
};
const gatekeeper = definePlugin({
  name: 'gatekeeper',
  guards: { order: [refuseRestricted('order')], shipment: [refuseRestricted('shipment')], payment: [refuseRestricted('payment')], return: [refuseRestricted('return')] },
});

describe.each(DB_KINDS)('plugin guards on every machine, on %s', (kind) => {
  let t: TestEngine;
  let restricted: string;
  const as = (token: string) => (q: string, v?: Record<string, unknown>) => gqlAt(t.url, q, v, token);
  const ORDER = `query($id: ID!) { order(id: $id) { id status paymentStatus lines { id } payments { id status } shipments { id status } } }`;
  const order = async (id: string) => ok(await t.admin(ORDER, { id })).order;

  beforeAll(async () => {
    t = await startTestEngine(kind, { plugins: [gatekeeper] });
    await setupShop(t, { variants: [{ sku: 'G-1', price: 1000, stock: { 'wh-a': 10 } }], taxPercent: 0 });
    restricted = ok(await t.admin(`mutation { createApiKey(name: "restricted", roles: ["superadmin"]) { token } }`)).createApiKey.token;
  });
  afterAll(async () => t?.stop());

  it('refuses each machine\'s move for the restricted key, changes nothing, and lets staff through', async () => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'G-1', quantity: 2 }]) })).placeOrder.order;
    const o = await until(() => order(placed.id), (x) => x.shipments.length === 1 && x.status === 'CONFIRMED');
    const refused = async (r: Awaited<ReturnType<typeof t.gql>>, machine: string) => {
      expect(codeOf(r)).toBe('FORBIDDEN');
      expect(r.errors![0].message).toMatch(new RegExp(`^gatekeeper: the ${machine} may not go from`));
    };

    // order
    await refused(await as(restricted)(`mutation($id: ID!) { holdOrder(id: $id, reason: "check") { status } }`, { id: o.id }), 'order');
    expect((await order(o.id)).status).toBe('CONFIRMED');
    expect(ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "check") { status } }`, { id: o.id })).holdOrder.status).toBe('ON_HOLD');
    ok(await t.admin(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: o.id }));

    // shipment
    const shipmentId = o.shipments[0].id;
    await refused(await as(restricted)(`mutation($id: ID!) { markShipmentPicked(id: $id) { status } }`, { id: shipmentId }), 'shipment');
    expect((await order(o.id)).shipments[0].status).toBe('PENDING');
    expect(ok(await t.admin(`mutation($id: ID!) { markShipmentPicked(id: $id) { status } }`, { id: shipmentId })).markShipmentPicked.status).toBe('PICKED');

    // payment
    const paymentId = o.payments[0].id;
    await refused(await as(restricted)(`mutation($id: ID!) { voidPayment(id: $id) { status } }`, { id: paymentId }), 'payment');
    expect((await order(o.id)).payments[0].status).toBe('AUTHORIZED');

    // return: the units ship first (staff), then a return is requested
    ok(await t.admin(`mutation($id: ID!) { markShipmentPacked(id: $id) { status } }`, { id: shipmentId }));
    await until(() => order(o.id), (x) => x.shipments[0].status === 'LABELLED');
    ok(await t.admin(`mutation($id: ID!) { markShipmentShipped(id: $id) { status } }`, { id: shipmentId }));
    const ret = ok(await t.admin(`mutation($i: RequestReturnInput!) { requestReturn(input: $i) { id status } }`, {
      i: { orderId: o.id, resolution: 'REFUND', lines: [{ orderLineId: o.lines[0].id, quantity: 1, reason: 'CHANGED_MIND' }] },
    })).requestReturn;
    await refused(await as(restricted)(`mutation($id: ID!) { approveReturn(id: $id) { status } }`, { id: ret.id }), 'return');
    const RETURN = `query($id: ID!) { node(id: $id) { ... on ReturnRequest { status } } }`;
    expect(ok(await t.admin(RETURN, { id: ret.id })).node.status).toBe('REQUESTED');
    expect(ok(await t.admin(`mutation($id: ID!) { approveReturn(id: $id) { status } }`, { id: ret.id })).approveReturn.status).toBe('APPROVED');
  });

  it('stops the start when a guard names a machine no module defines', async () => {
    const typo = definePlugin({ name: 'typo', guards: { shipmnet: [refuseRestricted('shipment')] } });
    await expect(createEngine(loadConfig({ ...t.env, PORT: '0' }), { plugins: [typo], listen: false }))
      .rejects.toThrow('module typo guards the state machine "shipmnet", which no module defines (machines: order, payment, purchase-order, return, shipment)');
  });
});
