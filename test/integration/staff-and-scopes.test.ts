// Staff accounts (invite, accept, sign in, change, disable) and channel scopes: a key or a staff member
// kept to channel eu-web never reads or changes another channel's order: by id, by number, as a node, in
// lists, in subscriptions, nor through its shipments and payments; what every channel shares is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { follow, wsClient } from '../e2e/subscriptions.helpers.js';

const ORDER = `query($id: ID!) { order(id: $id) { id number status lines { id } shipments { id status } payments { id } } }`;
const INVITE = `mutation($i: InviteStaffMemberInput!) { inviteStaffMember(input: $i) { invitationToken staffMember { id email status roles channelCodes } } }`;
const ACCEPT = `mutation($t: String!, $p: String!) { acceptStaffInvitation(token: $t, password: $p) { token expiresAt staffMember { status } } }`;
const LOGIN = `mutation($e: String!, $p: String!) { staffLogin(email: $e, password: $p) { token staffMember { id email roles channelCodes lastLoginAt } } }`;

describe.each(DB_KINDS)('staff and channel scopes on %s', (kind) => {
  let t: TestEngine;
  const clients: Client[] = [];
  let home: { id: string; number: string; shipment: string; payment: string; line: string };
  let web: { id: string; number: string; shipment: string; payment: string; line: string };
  let scopedKey: string;

  const place = async (channelCode?: string) => {
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SC', quantity: 1 }], channelCode ? { channelCode } : {}) })).placeOrder.order;
    const o = await until(async () => ok(await t.admin(ORDER, { id: placed.id })).order, (x) => x.shipments.length === 1);
    return { id: o.id, number: o.number, shipment: o.shipments[0].id, payment: o.payments[0].id, line: o.lines[0].id };
  };

  beforeAll(async () => {
    t = await startTestEngine(kind, { env: { ORDO_LOGIN_LIMIT_PER_EMAIL: '3' } });
    await setupShop(t, { variants: [{ sku: 'SC', price: 1000, stock: { 'wh-a': 20 } }] });
    ok(await t.admin(`mutation { createChannel(input: { code: "eu-web", name: "EU web", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    home = await place();
    web = await place('eu-web');
    scopedKey = ok(await t.admin(`mutation { createApiKey(name: "eu-ops", roles: ["orders", "catalog"], channelCodes: ["eu-web"]) { token channelCodes } }`)).createApiKey.token;
  }, 90_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  it('invites a member who sets a password, signs in with their roles, and is refused once disabled', async () => {
    const invited = ok(await t.admin(INVITE, { i: { email: 'Sam@Shop.example', name: 'Sam', roles: ['orders'] } })).inviteStaffMember;
    expect(invited.staffMember).toMatchObject({ email: 'sam@shop.example', status: 'INVITED', roles: ['orders'], channelCodes: [] });
    expect(codeOf(await t.gql(ACCEPT, { t: invited.invitationToken, p: 'short' }))).toBe('BAD_USER_INPUT');
    const accepted = ok(await t.gql(ACCEPT, { t: invited.invitationToken, p: 'correct horse battery' })).acceptStaffInvitation;
    expect(accepted.staffMember.status).toBe('ACTIVE');
    // The invitation works once.
    expect(codeOf(await t.gql(ACCEPT, { t: invited.invitationToken, p: 'another password' }))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(LOGIN, { e: 'sam@shop.example', p: 'wrong password!' }))).toBe('UNAUTHENTICATED');
    const signedIn = ok(await t.gql(LOGIN, { e: 'SAM@shop.example', p: 'correct horse battery' })).staffLogin;
    expect(signedIn.staffMember.lastLoginAt).toBeTruthy();
    const sam = signedIn.token;
    expect(ok(await t.gql(ORDER, { id: home.id }, sam)).order.number).toBe(home.number);
    // The orders role only: no catalog changes, no staff list.
    expect(codeOf(await t.gql(`mutation { createProduct(input: { name: "X", variants: [{ sku: "X1", name: "X", price: 1, currencyCode: "EUR" }] }) { id } }`, {}, sam))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(`{ staffMembers { id } }`, {}, sam))).toBe('FORBIDDEN');
    // Their actions are theirs in the audit log.
    ok(await t.gql(`mutation($id: ID!) { holdOrder(id: $id, reason: "check address") { status } }`, { id: home.id }, sam));
    const [entry] = ok(await t.admin(`{ auditLog(first: 1) { nodes { actorId actorName operation outcome } } }`)).auditLog.nodes;
    expect(entry).toMatchObject({ actorId: invited.staffMember.id, actorName: 'sam@shop.example', operation: 'holdOrder', outcome: 'ok' });
    ok(await t.gql(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: home.id }, sam));

    // A superadmin gives the catalog role: effective on the next request of the same session.
    ok(await t.admin(`mutation($id: ID!) { updateStaffMember(id: $id, input: { roles: ["orders", "catalog"] }) { roles } }`, { id: invited.staffMember.id }));
    ok(await t.gql(`mutation { createProduct(input: { name: "X", variants: [{ sku: "X1", name: "X", price: 1, currencyCode: "EUR" }] }) { id } }`, {}, sam));
    const listed = ok(await t.admin(`{ staffMembers { email status roles } }`)).staffMembers;
    expect(listed).toContainEqual({ email: 'sam@shop.example', status: 'ACTIVE', roles: ['orders', 'catalog'] });
    expect(codeOf(await t.admin(INVITE, { i: { email: 'sam@shop.example', name: 'Sam', roles: ['orders'] } }))).toBe('CONFLICT');

    // Disabled: the session is refused on its next request, and on its next operation over a socket that
    // was opened before; signing in again is refused too.
    const socket = wsClient(t.url.replace(/^http/, 'ws'), sam, clients);
    // A subscription keeps the socket open (the client would close an idle one and connect again).
    const held = follow(socket, `subscription($id: ID!) { orderEvents(orderId: $id) { type } }`, { id: home.id });
    const before = follow(socket, `query($id: ID!) { order(id: $id) { id } }`, { id: home.id });
    await before.until(() => before.done);
    expect(before.results[0].data?.order?.id).toBe(home.id);
    ok(await t.admin(`mutation($id: ID!) { disableStaffMember(id: $id) { status } }`, { id: invited.staffMember.id }));
    expect(codeOf(await t.gql(ORDER, { id: home.id }, sam))).toBe('UNAUTHENTICATED');
    const after = follow(socket, `query($id: ID!) { order(id: $id) { id } }`, { id: home.id });
    await after.until(() => after.done);
    expect(after.results[0]?.errors?.[0]?.extensions?.code, JSON.stringify(after.error)).toBe('UNAUTHENTICATED');
    expect(held.done).toBe(false);
    expect(codeOf(await t.gql(LOGIN, { e: 'sam@shop.example', p: 'correct horse battery' }))).toBe('UNAUTHENTICATED');
  });

  it('throttles staff sign-in per email: RATE_LIMITED, the right password too, until the window ends', async () => {
    const inv = ok(await t.admin(INVITE, { i: { email: 'kim@shop.example', name: 'Kim', roles: ['catalog'] } })).inviteStaffMember;
    ok(await t.gql(ACCEPT, { t: inv.invitationToken, p: 'kims long password' }));
    for (let i = 0; i < 3; i++) expect(codeOf(await t.gql(LOGIN, { e: 'kim@shop.example', p: `guess number ${i}` }))).toBe('UNAUTHENTICATED');
    const limited = await t.gql(LOGIN, { e: 'kim@shop.example', p: 'kims long password' });
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses a scoped superadmin and an unknown channel', async () => {
    expect(codeOf(await t.admin(`mutation { createApiKey(name: "bad1", roles: ["superadmin"], channelCodes: ["eu-web"]) { token } }`))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(`mutation { createApiKey(name: "bad2", roles: ["orders"], channelCodes: ["nowhere"]) { token } }`))).toBe('BAD_USER_INPUT');
    expect(ok(await t.admin(`{ apiKeys { name channelCodes } }`)).apiKeys).toContainEqual({ name: 'eu-ops', channelCodes: ['eu-web'] });
  });

  const scopedPrincipals = async (): Promise<[string, string][]> => {
    const inv = ok(await t.admin(INVITE, { i: { email: 'eu@shop.example', name: 'EU desk', roles: ['orders'], channelCodes: ['eu-web'] } })).inviteStaffMember;
    const staff = ok(await t.gql(ACCEPT, { t: inv.invitationToken, p: 'eu desk password' })).acceptStaffInvitation.token;
    return [['a key kept to eu-web', scopedKey], ['a staff member kept to eu-web', staff]];
  };

  it("keeps channel-scoped keys and staff to their channel's orders: by id, number, node, lists, subscriptions, and changes", async () => {
    const customerId = ok(await t.gql(`mutation { registerCustomer(input: { email: "scoped-buyer@example.com", password: "buyer password" }) { customer { id } } }`)).registerCustomer.customer.id;
    for (const [who, token] of await scopedPrincipals()) {
      // Its own channel: everything works.
      expect(ok(await t.gql(ORDER, { id: web.id }, token)).order.id, who).toBe(web.id);
      expect(ok(await t.gql(`query($n: String!) { orderByNumber(channelCode: "eu-web", number: $n) { id } }`, { n: web.number }, token)).orderByNumber.id).toBe(web.id);
      // Another channel's order: refused however it is asked for.
      expect(codeOf(await t.gql(ORDER, { id: home.id }, token)), who).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`query($n: String!) { orderByNumber(number: $n) { id } }`, { n: home.number }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: home.id }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`query($id: ID!) { shipment(id: $id) { id } }`, { id: home.shipment }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: home.payment }, token))).toBe('FORBIDDEN');
      // Lists hold its channel's orders only, whatever the filter.
      const all = ok(await t.gql(`{ orders(first: 50) { totalCount nodes { id } } }`, {}, token)).orders;
      expect(all.nodes.map((o: any) => o.id), who).toEqual([web.id]);
      expect(all.totalCount).toBe(1);
      expect(ok(await t.gql(`{ orders(filter: { channelCode: "default" }) { totalCount } }`, {}, token)).orders.totalCount).toBe(0);
      expect((ok(await t.admin(`{ orders(first: 50) { totalCount } }`)).orders.totalCount)).toBe(2);
      // Subscriptions: its channel's order is followed, another's is refused.
      const c = wsClient(t.url.replace(/^http/, 'ws'), token, clients);
      const refused = follow(c, `subscription($id: ID!) { orderEvents(orderId: $id) { type } }`, { id: home.id });
      await refused.until(() => refused.done);
      expect(JSON.stringify(refused.error ?? refused.results), who).toMatch(/FORBIDDEN/);
      const mine = follow(c, `subscription($id: ID!) { orderEvents(orderId: $id) { type } }`, { id: web.id });
      // Changes: another channel's order, shipment and payment are refused and left as they were.
      expect(codeOf(await t.gql(`mutation($id: ID!) { holdOrder(id: $id, reason: "x") { status } }`, { id: home.id }, token)), who).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`mutation($id: ID!) { markShipmentPicked(id: $id) { status } }`, { id: home.shipment }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`mutation($id: ID!) { voidPayment(id: $id, idempotencyKey: "v1") { status } }`, { id: home.payment }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`mutation($id: ID!) { cancelOrder(id: $id) { status } }`, { id: home.id }, token))).toBe('FORBIDDEN');
      const untouched = ok(await t.admin(`query($id: ID!) { order(id: $id) { status shipments { status } payments { status } } }`, { id: home.id })).order;
      expect(untouched).toMatchObject({ status: 'CONFIRMED', shipments: [{ status: 'PENDING' }], payments: [{ status: 'AUTHORIZED' }] });
      // Its own channel's order can be worked on, and its follower hears it.
      ok(await t.gql(`mutation($id: ID!) { holdOrder(id: $id, reason: "fraud check") { status } }`, { id: web.id }, token));
      ok(await t.gql(`mutation($id: ID!) { releaseOrderHold(id: $id) { status } }`, { id: web.id }, token));
      await mine.until((r) => r.some((x) => x.data?.orderEvents));
      // More of what hangs off another channel's order: its lines, shipment, payment, edits, messages.
      expect(codeOf(await t.gql(`mutation($o: ID!, $l: ID!) { cancelOrderLines(orderId: $o, lines: [{ orderLineId: $l, quantity: 1 }]) { id } }`, { o: home.id, l: home.line }, token)), who).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`mutation($id: ID!) { cancelShipment(id: $id, reason: "x") { id } }`, { id: home.shipment }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`mutation($id: ID!) { capturePayment(id: $id, idempotencyKey: "c1") { status } }`, { id: home.payment }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`mutation($id: ID!) { beginOrderEdit(orderId: $id) { id } }`, { id: home.id }, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`query($id: ID!) { notifications(orderId: $id) { id } }`, { id: home.id }, token))).toBe('FORBIDDEN');
      ok(await t.gql(`query($id: ID!) { notifications(orderId: $id) { id } }`, { id: web.id }, token));
      expect(codeOf(await t.gql(`mutation($i: CreateDraftOrderInput!) { createDraftOrder(input: $i) { id } }`, {
        i: { channelCode: 'default', email: 'phone@example.com', lines: [{ sku: 'SC', quantity: 1 }], shippingAddress: ADDRESS, shippingMethodCode: 'standard' },
      }, token))).toBe('FORBIDDEN');
      expect(ok(await t.admin(`query($id: ID!) { order(id: $id) { status lines { quantityCancelled } shipments { status } payments { status } } }`, { id: home.id })).order)
        .toMatchObject({ status: 'CONFIRMED', lines: [{ quantityCancelled: 0 }], shipments: [{ status: 'PENDING' }], payments: [{ status: 'AUTHORIZED' }] });
      // What every channel shares needs an unscoped principal, even with the role.
      expect(codeOf(await t.gql(`{ failedJobs { id } }`, {}, token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: customerId }, token))).toBe('FORBIDDEN');
    }
    expect(codeOf(await t.gql(`mutation { createProduct(input: { name: "Y", variants: [{ sku: "Y1", name: "Y", price: 1, currencyCode: "EUR" }] }) { id } }`, {}, scopedKey))).toBe('FORBIDDEN');
  });
});
