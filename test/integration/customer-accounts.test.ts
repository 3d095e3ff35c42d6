// Customer accounts (docs/customers.md): the address book and its defaults, profile changes, signing out,
// sessions, tags, and staff's customer list with order counts and lifetime value, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_KEY, DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { codeOf, gqlAt, ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { parseMail } from '../helpers/mail.js';
import { until } from '../helpers/until.js';

const REGISTER = `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token customer { id } } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const ADDRESS_FIELDS = 'id label name line1 line2 city region postalCode countryCode phone';
const ADD = `mutation($i: CustomerAddressInput!) { addCustomerAddress(input: $i) { ${ADDRESS_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateCustomerAddressInput!) { updateCustomerAddress(id: $id, input: $i) { ${ADDRESS_FIELDS} } }`;
const REMOVE = `mutation($id: ID!) { removeCustomerAddress(id: $id) }`;
const SET_DEFAULT = `mutation($id: ID!, $k: CustomerAddressKind!) { setDefaultCustomerAddress(id: $id, kind: $k) { id } }`;
const BOOK = `{ me { addresses { ${ADDRESS_FIELDS} } defaultShippingAddress { id } defaultBillingAddress { id } } }`;
const PROFILE = `mutation($i: UpdateCustomerProfileInput!) { updateCustomerProfile(input: $i) { email name phone } }`;
const SESSIONS = `{ mySessions { id current createdAt lastUsedAt userAgent ip expiresAt } }`;
const ME = `{ me { email } }`;
const LIST = `query($f: CustomerFilter, $first: Int, $after: String) { customers(filter: $f, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id email name tags orderCount lifetimeValue { amount currencyCode } } } }`;

describe.each(DB_KINDS)('customer accounts on %s', (kind) => {
  let t: TestEngine;
  let n = 0;
  const signUp = async (email: string, name?: string, password = 'first password 1') => {
    const r = ok(await t.gql(REGISTER, { i: { email, password, name } })).registerCustomer;
    return { token: r.token as string, id: r.customer.id as string };
  };
  const mailsTo = (to: string) => {
    const dir = join(t.env.ORDO_DATA_DIR, 'mail');
    return (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort() : [])
      .map((f) => parseMail(readFileSync(join(dir, f), 'utf8'))).filter((m) => m.headers.to === to);
  };
  const unique = (prefix: string) => `${prefix}-${++n}@example.com`;

  beforeAll(async () => {
    t = await startTestEngine(kind, {
      env: { ORDO_DEBUG_SQL: '1', ORDO_LOGIN_LIMIT_PER_IP: '1000', ORDO_PASSWORD_RESET_URL: 'https://shop.example/reset-password' },
    });
    await setupShop(t, { variants: [{ sku: 'A1', price: 1000, stock: { 'wh-a': 100 } }], taxPercent: 0, shippingPrice: 500 });
  }, 120_000);
  afterAll(async () => t?.stop());

  it('keeps an address book with a default for shipping and one for billing', async () => {
    const ana = await signUp(unique('ana'));
    const home = ok(await t.gql(ADD, { i: { ...ADDRESS, label: 'Home', line2: 'Hinterhaus', phone: '+49 30 1234567' } }, ana.token)).addCustomerAddress;
    expect(home).toMatchObject({ ...ADDRESS, label: 'Home', line2: 'Hinterhaus', region: null });
    // The first address is the default of both kinds.
    let book = ok(await t.gql(BOOK, {}, ana.token)).me;
    expect(book.defaultShippingAddress.id).toBe(home.id);
    expect(book.defaultBillingAddress.id).toBe(home.id);

    const office = ok(await t.gql(ADD, { i: { name: 'Ana Office', line1: 'Friedrichstr. 9', city: 'Berlin', postalCode: '10117', countryCode: 'DE' } }, ana.token)).addCustomerAddress;
    ok(await t.gql(SET_DEFAULT, { id: office.id, k: 'SHIPPING' }, ana.token));
    book = ok(await t.gql(BOOK, {}, ana.token)).me;
    expect(book.addresses.map((a: any) => a.id)).toEqual([home.id, office.id]);
    expect(book.defaultShippingAddress.id).toBe(office.id);
    expect(book.defaultBillingAddress.id).toBe(home.id);

    // Fields left out stay; an empty optional field is cleared; a bad one changes nothing.
    const moved = ok(await t.gql(UPDATE, { id: home.id, i: { city: 'Potsdam', postalCode: '14467', line2: '' } }, ana.token)).updateCustomerAddress;
    expect(moved).toMatchObject({ city: 'Potsdam', postalCode: '14467', line2: null, line1: ADDRESS.line1, label: 'Home', phone: '+49 30 1234567' });
    expect(codeOf(await t.gql(UPDATE, { id: home.id, i: { countryCode: 'de' } }, ana.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(ADD, { i: { ...ADDRESS, postalCode: '!' } }, ana.token))).toBe('BAD_USER_INPUT');
    expect(ok(await t.gql(BOOK, {}, ana.token)).me.addresses[0]).toMatchObject({ city: 'Potsdam', countryCode: 'DE' });

    // A saved address is an order address as it is.
    const { id: _id, label: _label, ...asOrderAddress } = ok(await t.gql(BOOK, {}, ana.token)).me.addresses[1];
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A1', quantity: 1 }], { shippingAddress: asOrderAddress }) }, ana.token)).placeOrder;
    expect(placed.order.status).not.toBe('CANCELLED');

    // Removing the shipping default clears it; the billing default stays.
    expect(ok(await t.gql(REMOVE, { id: office.id }, ana.token)).removeCustomerAddress).toBe(true);
    book = ok(await t.gql(BOOK, {}, ana.token)).me;
    expect(book.addresses.map((a: any) => a.id)).toEqual([home.id]);
    expect(book.defaultShippingAddress).toBeNull();
    expect(book.defaultBillingAddress.id).toBe(home.id);
    expect(codeOf(await t.gql(REMOVE, { id: office.id }, ana.token))).toBe('NOT_FOUND');
  });

  it('holds at most 20 addresses', async () => {
    const bo = await signUp(unique('bo'));
    for (let i = 0; i < 20; i++) ok(await t.gql(ADD, { i: { ...ADDRESS, line1: `Street ${i}` } }, bo.token));
    expect(codeOf(await t.gql(ADD, { i: ADDRESS }, bo.token))).toBe('BAD_USER_INPUT');
    expect(ok(await t.gql(BOOK, {}, bo.token)).me.addresses).toHaveLength(20);
  });

  it('requests at once neither pass the address limit nor lose each other\'s tags', async () => {
    const cal = await signUp(unique('cal'));
    const adds = await Promise.all(Array.from({ length: 25 }, (_, i) => t.gql(ADD, { i: { ...ADDRESS, line1: `Lane ${i}` } }, cal.token)));
    expect(adds.filter((r) => !r.errors).length).toBe(20);
    expect(adds.filter((r) => r.errors).map(codeOf)).toEqual(Array(5).fill('BAD_USER_INPUT'));
    expect(ok(await t.gql(BOOK, {}, cal.token)).me.addresses).toHaveLength(20);
    const TAG = `mutation($c: ID!, $t: [String!]!) { tagCustomer(customerId: $c, tags: $t) { id } }`;
    await Promise.all(Array.from({ length: 10 }, (_, i) => t.admin(TAG, { c: cal.id, t: [`group-${i}`] })).map(async (r) => ok(await r)));
    const tags = ok(await t.admin(`query($id: ID!) { customer(id: $id) { tags } }`, { id: cal.id })).customer.tags;
    expect([...tags].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `group-${i}`).sort());
  });

  it('a customer cannot touch another customer\'s address, and staff or guests have no address book', async () => {
    const owner = await signUp(unique('owner'));
    const other = await signUp(unique('other'));
    const address = ok(await t.gql(ADD, { i: ADDRESS }, owner.token)).addCustomerAddress;
    const before = ok(await t.gql(BOOK, {}, owner.token)).me;
    expect(codeOf(await t.gql(UPDATE, { id: address.id, i: { city: 'Hacked' } }, other.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(REMOVE, { id: address.id }, other.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(SET_DEFAULT, { id: address.id, k: 'BILLING' }, other.token))).toBe('NOT_FOUND');
    expect(ok(await t.gql(BOOK, {}, other.token)).me).toEqual({ addresses: [], defaultShippingAddress: null, defaultBillingAddress: null });
    expect(ok(await t.gql(BOOK, {}, owner.token)).me).toEqual(before);
    expect(codeOf(await t.admin(ADD, { i: ADDRESS }))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(ADD, { i: ADDRESS }))).toBe('UNAUTHENTICATED');
    // Staff read it on the customer; an order's access token does not reach it through the order.
    expect(ok(await t.admin(`query($id: ID!) { customer(id: $id) { addresses { id } } }`, { id: owner.id })).customer.addresses).toEqual([{ id: address.id }]);
    const placed = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A1', quantity: 1 }]) }, owner.token)).placeOrder;
    const viaToken = await t.gql(`query($id: ID!) { order(id: $id) { customer { addresses { id } } } }`, { id: placed.order.id }, placed.accessToken);
    expect(codeOf(viaToken)).toBe('FORBIDDEN');
  });

  it('logout ends the session it came with; the token is refused, other sessions go on', async () => {
    const email = unique('cy');
    const first = await signUp(email);
    const second = ok(await t.gql(LOGIN, { e: email, p: 'first password 1' })).login.token;
    expect(ok(await t.gql(`mutation { logout }`, {}, second)).logout).toBe(true);
    expect(codeOf(await t.gql(ME, {}, second))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(`mutation { logout }`, {}, second))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql(ME, {}, first.token)).me.email).toBe(email);
    expect(codeOf(await t.admin(`mutation { logout }`))).toBe('FORBIDDEN');
  });

  it('lists the customer\'s sessions and ends one of them, only their own', async () => {
    const email = unique('di');
    const a = await signUp(email);
    const b = ok(await t.gql(LOGIN, { e: email, p: 'first password 1' })).login.token;
    const sessions = ok(await t.gql(SESSIONS, {}, a.token)).mySessions;
    expect(sessions).toHaveLength(2);
    const current = sessions.find((s: any) => s.current);
    const otherOne = sessions.find((s: any) => !s.current);
    expect(sessions.filter((s: any) => s.current)).toHaveLength(1);
    expect(current.userAgent).toBeTruthy();
    expect(new Date(otherOne.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // The first request with a session records when it was used (outside the request: wait for it).
    await until(async () => ok(await t.gql(SESSIONS, {}, a.token)).mySessions.find((s: any) => s.current).lastUsedAt, (v) => !!v);

    const stranger = await signUp(unique('stranger'));
    expect(codeOf(await t.gql(`mutation($id: ID!) { revokeCustomerSession(id: $id) }`, { id: otherOne.id }, stranger.token))).toBe('NOT_FOUND');
    expect(ok(await t.gql(ME, {}, b)).me.email).toBe(email);
    expect(ok(await t.gql(`mutation($id: ID!) { revokeCustomerSession(id: $id) }`, { id: otherOne.id }, a.token)).revokeCustomerSession).toBe(true);
    expect(codeOf(await t.gql(ME, {}, b))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql(SESSIONS, {}, a.token)).mySessions.map((s: any) => s.id)).toEqual([current.id]);
    expect(codeOf(await t.gql(`mutation($id: ID!) { revokeCustomerSession(id: $id) }`, { id: otherOne.id }, a.token))).toBe('NOT_FOUND');
  });

  it('changes the profile; email and password need the current password, and a new password ends the other sessions', async () => {
    const email = unique('ed');
    const here = await signUp(email, 'Ed');
    const elsewhere = ok(await t.gql(LOGIN, { e: email, p: 'first password 1' })).login.token;
    expect(ok(await t.gql(PROFILE, { i: { name: 'Ed Example', phone: '+49 171 555' } }, here.token)).updateCustomerProfile).toEqual({ email, name: 'Ed Example', phone: '+49 171 555' });

    expect(codeOf(await t.gql(PROFILE, { i: { newPassword: 'second password 2' } }, here.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.gql(PROFILE, { i: { newPassword: 'second password 2', currentPassword: 'wrong password' } }, here.token))).toBe('BAD_USER_INPUT');
    expect(ok(await t.gql(ME, {}, elsewhere)).me.email).toBe(email); // nothing changed
    ok(await t.gql(PROFILE, { i: { newPassword: 'second password 2', currentPassword: 'first password 1' } }, here.token));
    expect(codeOf(await t.gql(ME, {}, elsewhere))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql(ME, {}, here.token)).me.email).toBe(email);
    expect(codeOf(await t.gql(LOGIN, { e: email, p: 'first password 1' }))).toBe('UNAUTHENTICATED');
    ok(await t.gql(LOGIN, { e: email, p: 'second password 2' }));

    // A new email: another account's is CONFLICT; then sign-in with the new one.
    const taken = unique('taken');
    await signUp(taken);
    expect(codeOf(await t.gql(PROFILE, { i: { email: taken, currentPassword: 'second password 2' } }, here.token))).toBe('CONFLICT');
    expect(codeOf(await t.gql(PROFILE, { i: { email: 'new-ed@example.com' } }, here.token))).toBe('BAD_USER_INPUT');
    expect(ok(await t.gql(PROFILE, { i: { email: 'New-Ed@Example.com', currentPassword: 'second password 2' } }, here.token)).updateCustomerProfile.email).toBe('new-ed@example.com');
    ok(await t.gql(LOGIN, { e: 'new-ed@example.com', p: 'second password 2' }));
    expect(codeOf(await t.gql(LOGIN, { e: email, p: 'second password 2' }))).toBe('UNAUTHENTICATED');
  });

  it('staff end every session of a customer', async () => {
    const email = unique('fay');
    const a = await signUp(email);
    const b = ok(await t.gql(LOGIN, { e: email, p: 'first password 1' })).login.token;
    expect(ok(await t.admin(`mutation($c: ID!) { revokeCustomerSessions(customerId: $c) }`, { c: a.id })).revokeCustomerSessions).toBe(2);
    expect(codeOf(await t.gql(ME, {}, a.token))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.gql(ME, {}, b))).toBe('UNAUTHENTICATED');
    expect(codeOf(await t.admin(`mutation($c: ID!) { revokeCustomerSessions(customerId: $c) }`, { c: 'cus_nobody' }))).toBe('NOT_FOUND');
  });

  it('tags customers (normalised, bounded); a customer sees their own tags', async () => {
    const gus = await signUp(unique('gus'));
    const TAG = `mutation($c: ID!, $t: [String!]!) { tagCustomer(customerId: $c, tags: $t) { tags } }`;
    const UNTAG = `mutation($c: ID!, $t: [String!]!) { untagCustomer(customerId: $c, tags: $t) { tags } }`;
    expect(ok(await t.admin(TAG, { c: gus.id, t: [' VIP ', 'vip', 'Wholesale'] })).tagCustomer.tags).toEqual(['vip', 'wholesale']);
    expect(ok(await t.admin(TAG, { c: gus.id, t: ['vip', 'b2b'] })).tagCustomer.tags).toEqual(['vip', 'wholesale', 'b2b']);
    expect(ok(await t.admin(UNTAG, { c: gus.id, t: ['WHOLESALE', 'never-had'] })).untagCustomer.tags).toEqual(['vip', 'b2b']);
    expect(codeOf(await t.admin(TAG, { c: gus.id, t: ['x'.repeat(41)] }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(TAG, { c: gus.id, t: ['  '] }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await t.admin(TAG, { c: gus.id, t: Array.from({ length: 49 }, (_, i) => `t${i}`) }))).toBe('BAD_USER_INPUT'); // 51 in all
    expect(codeOf(await t.admin(TAG, { c: 'cus_nobody', t: ['vip'] }))).toBe('NOT_FOUND');
    expect(ok(await t.gql(`{ me { tags } }`, {}, gus.token)).me.tags).toEqual(['vip', 'b2b']);
    expect(codeOf(await t.gql(TAG, { c: gus.id, t: ['self'] }, gus.token))).toBe('FORBIDDEN');
    expect((await t.sql('SELECT tags FROM customer WHERE id = ?', [gus.id])).length).toBe(1);
  });

  it('lists customers for staff: search by email or name in any case, tags, dates; order count and lifetime value', async () => {
    const hal = await signUp('hal.smith@example.com', 'Hal Smith');
    const ida = await signUp('ida@example.com', 'Ida SMITHSON');
    await signUp('jo@example.com', 'Jo Other');
    ok(await t.admin(`mutation($c: ID!) { tagCustomer(customerId: $c, tags: ["gold"]) { id } }`, { c: hal.id }));
    const place = async (token: string, quantity: number) => ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A1', quantity }]) }, token)).placeOrder.order;
    // Hal: 2 x 10.00 + 5.00 and 3 x 10.00 + 5.00; a third order cancelled; the second one captured and 7.00 refunded.
    const o1 = await place(hal.token, 2);
    const o2 = await place(hal.token, 3);
    const o3 = await place(hal.token, 1);
    expect([o1.total, o2.total, o3.total]).toEqual([2500, 3500, 1500]);
    ok(await t.admin(`mutation($id: ID!) { cancelOrder(id: $id, reason: "test") { status } }`, { id: o3.id }));
    const pay = o2.payments[0].id;
    ok(await t.admin(`mutation($id: ID!) { capturePayment(id: $id) { status } }`, { id: pay }));
    ok(await t.admin(`mutation($id: ID!) { refundPayment(id: $id, amount: 700) { amountRefunded } }`, { id: pay }));
    await place(ida.token, 1);

    const bySearch = ok(await t.admin(LIST, { f: { search: 'SMITH' } })).customers;
    expect(bySearch.totalCount).toBe(2);
    const byEmail = Object.fromEntries(bySearch.nodes.map((c: any) => [c.email, c]));
    expect(byEmail['hal.smith@example.com']).toMatchObject({ orderCount: 2, lifetimeValue: [{ amount: 2500 + 3500 - 700, currencyCode: 'EUR' }], tags: ['gold'] });
    expect(byEmail['ida@example.com']).toMatchObject({ orderCount: 1, lifetimeValue: [{ amount: 1500, currencyCode: 'EUR' }], tags: [] });
    expect(ok(await t.admin(LIST, { f: { search: 'HAL.SMITH@' } })).customers.nodes.map((c: any) => c.id)).toEqual([hal.id]);
    expect(ok(await t.admin(LIST, { f: { search: 'smith', tags: ['GOLD'] } })).customers.nodes.map((c: any) => c.id)).toEqual([hal.id]);
    expect(ok(await t.admin(LIST, { f: { search: 'jo@', tags: ['gold'] } })).customers.nodes).toEqual([]);
    expect(ok(await t.admin(LIST, { f: { search: 'smith', createdFrom: new Date(Date.now() + 60_000).toISOString() } })).customers.totalCount).toBe(0);
    expect(ok(await t.admin(`query($id: ID!) { customer(id: $id) { orderCount } }`, { id: hal.id })).customer.orderCount).toBe(2);
    const none = ok(await t.admin(LIST, { f: { search: 'jo other' } })).customers.nodes[0];
    expect(none).toMatchObject({ orderCount: 0, lifetimeValue: [] });

    // Newest first, paged by cursor.
    const p1 = ok(await t.admin(LIST, { f: { search: 'smith' }, first: 1 })).customers;
    expect(p1.nodes.map((c: any) => c.id)).toEqual([ida.id]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(ok(await t.admin(LIST, { f: { search: 'smith' }, first: 1, after: p1.pageInfo.endCursor })).customers.nodes.map((c: any) => c.id)).toEqual([hal.id]);

    // A page's order counts are one statement, whatever its size.
    const counted = (first: number) => gqlAt(t.url, LIST, { first }, ADMIN_KEY, { 'x-ordo-count-sql': '1' });
    const [one, many] = [await counted(1), await counted(50)];
    expect(ok(many).customers.nodes.length).toBeGreaterThan(5);
    expect(one.sqlCount).toBeGreaterThan(0);
    expect(many.sqlCount).toBe(one.sqlCount);

    // Customers are shared by every channel: a channel-scoped principal is refused; a customer too.
    ok(await t.admin(`mutation { createChannel(input: { code: "scoped-web", name: "Scoped", kind: WEB_STORE, currencyCode: "EUR" }) { id } }`));
    const scoped = ok(await t.admin(`mutation { createApiKey(name: "scoped-orders", roles: ["orders"], channelCodes: ["scoped-web"]) { token } }`)).createApiKey.token;
    expect(codeOf(await t.gql(LIST, {}, scoped))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(LIST, {}, hal.token))).toBe('FORBIDDEN');
    // The customer sees their own count.
    expect(ok(await t.gql(`{ me { orderCount lifetimeValue { amount } } }`, {}, hal.token)).me).toEqual({ orderCount: 2, lifetimeValue: [{ amount: 5300 }] });
  });

  it('lifetime value takes a cancelled line off once, though its captured money was refunded', async () => {
    const lea = await signUp(unique('lea'));
    const order = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'A1', quantity: 4 }]) }, lea.token)).placeOrder.order;
    expect(order.total).toBe(4500);
    ok(await t.admin(`mutation($id: ID!) { capturePayment(id: $id) { status } }`, { id: order.payments[0].id }));
    const after = ok(await t.admin(`mutation($o: ID!, $l: ID!) { cancelOrderLines(orderId: $o, lines: [{ orderLineId: $l, quantity: 1 }], reason: "test") { total } }`,
      { o: order.id, l: order.lines[0].id })).cancelOrderLines;
    expect(after.total).toBe(3500);
    const VALUE = `query($id: ID!) { customer(id: $id) { orderCount lifetimeValue { amount currencyCode } } }`;
    // Once the cancelled unit's money is refunded (a job), the value is still the new total.
    await until(async () => (await t.sql('SELECT SUM(amount_refunded) AS r FROM payment WHERE order_id = ?', [order.id]))[0].r, (r) => Number(r) === 1000);
    expect(ok(await t.admin(VALUE, { id: lea.id })).customer).toEqual({ orderCount: 1, lifetimeValue: [{ amount: 3500, currencyCode: 'EUR' }] });
    // A goodwill refund beyond that is taken off.
    ok(await t.admin(`mutation($id: ID!) { refundPayment(id: $id, amount: 500) { id } }`, { id: order.payments[0].id }));
    expect(ok(await t.admin(VALUE, { id: lea.id })).customer.lifetimeValue).toEqual([{ amount: 3000, currencyCode: 'EUR' }]);
  });

  it('a used reset token fails the second time', async () => {
    const email = unique('kim');
    await signUp(email);
    ok(await t.gql(`mutation($e: String!) { requestPasswordReset(email: $e) }`, { e: email }));
    const [mail] = await until(() => mailsTo(email), (m) => m.length === 1);
    expect(mail.subject).toMatch(/^Set a new password for /);
    expect(mail.text).toMatch(/It works once, for 60 minutes/);
    const token = /https:\/\/shop\.example\/reset-password\?token=([\w-]+)/.exec(mail.text)![1];
    const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) { token } }`;
    const fresh = ok(await t.gql(RESET, { t: token, p: 'reset password 2' })).resetPassword.token;
    expect(codeOf(await t.gql(RESET, { t: token, p: 'reset password 3' }))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql(ME, {}, fresh)).me.email).toBe(email);
    ok(await t.gql(LOGIN, { e: email, p: 'reset password 2' }));
  });
});
