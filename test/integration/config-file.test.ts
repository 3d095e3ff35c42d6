// An engine started from an ordo.config file, the way `npm start` starts (resolveStartup), on both
// databases: a plugin adding an Order field, and providers replacing the built-in ones (a payment method,
// a carrier, the SMS transport, the document store), all driven through GraphQL and the real server.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, pluginImport, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { until } from '../helpers/until.js';
import { acmePay, documents, paymentCalls, smsSent } from '../helpers/config-file-plugins.js';
import { definePlugin, type OrdoModule } from '../../src/kernel/module.js';
import { loadConfig } from '../../src/config.js';
import { createEngine } from '../../src/app.js';

const configFile = `
import { orderNote, acmePay, acmePost, memorySms, memoryStore } from ${JSON.stringify(pluginImport('test/helpers/config-file-plugins.ts'))};
// A plugin may bring providers too; the config file's own win (acme-pay below stays the config's).
const pluginPay = {
  code: 'plugin-pay',
  async authorize() { return { outcome: 'authorized', transactionId: 'plugin_auth' }; },
  async capture() { return { outcome: 'captured' }; },
  async void() {},
  async refund() { return { outcome: 'succeeded' }; },
};
export default {
  plugins: [orderNote({ prefix: 'note for' }), { name: 'plugin-providers', providers: { payment: [pluginPay, { ...pluginPay, code: 'acme-pay' }] } }],
  providers: { payment: [acmePay], carrier: [acmePost], sms: memorySms, documentStore: memoryStore },
  settings: { ORDO_RETURN_WINDOW_DAYS: 9, ORDO_CAPTURE_ATTEMPTS: 2, ORDO_CAPTURE_POLICY: 'ON_PLACEMENT' },
};
`;

const ORDER = `query($id: ID!) { order(id: $id) { id number status configNote
  shipments { id status carrierCode trackingNumber trackingUrl labelUrl } } }`;

let firstPlugin: OrdoModule | undefined;

describe.each(DB_KINDS)('an engine from an ordo.config file on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind, { configFile, env: { ORDO_CAPTURE_ATTEMPTS: '4' } });
    await setupShop(t, { locations: [{ code: 'auto', priority: 5, autoFulfill: true }], variants: [{ sku: 'CF', price: 1500, stock: { auto: 50 } }] });
    ok(await t.admin(`mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }`, {
      i: { code: 'acme', name: 'Acme Post', carrierCode: 'acme-post', price: 300, currencyCode: 'EUR', minTransitDays: 1, maxTransitDays: 2 },
    }));
  });
  afterAll(async () => t?.stop());

  it('takes the settings as defaults under the environment', () => {
    expect(t.engine.app.config.returnWindowDays).toBe(9);
    expect(t.engine.app.config.captureAttempts).toBe(4);
  });

  it('applies the capture policy of the config file to the channels it creates, unless told otherwise', async () => {
    const channels = async () => ok(await t.admin(`{ channels { code capturePolicy } }`)).channels;
    expect((await channels()).find((c: any) => c.code === 'default').capturePolicy).toBe('ON_PLACEMENT');
    const create = (code: string, extra: Record<string, unknown> = {}) => t.admin(`mutation($i: CreateChannelInput!) { createChannel(input: $i) { code capturePolicy } }`, {
      i: { code, name: code, kind: 'MARKETPLACE', currencyCode: 'EUR', ...extra },
    });
    expect(ok(await create('market')).createChannel.capturePolicy).toBe('ON_PLACEMENT');
    expect(ok(await create('pos', { capturePolicy: 'ON_FIRST_SHIPMENT' })).createChannel.capturePolicy).toBe('ON_FIRST_SHIPMENT');
  });

  it('loads the config once per process: the same plugin object for every engine of this file', () => {
    const plugin = t.engine.app.modules.find((m) => m.name === 'order-note');
    expect(plugin).toBeTruthy();
    firstPlugin ??= plugin;
    expect(plugin).toBe(firstPlugin);
  });

  it('pays with the configured payment provider, ships with the configured carrier, keeps the label in the configured store, texts through the configured SMS provider', async () => {
    const phone = kind === 'sqlite' ? '+4930111111' : '+4930222222';
    const input = orderInput([{ sku: 'CF', quantity: 2 }], {
      shippingMethodCode: 'acme', payment: { method: acmePay.code, token: `tok-${kind}` }, shippingAddress: { ...ADDRESS, phone },
    });
    const { order: placed, accessToken } = ok(await t.gql(PLACE_ORDER, { input })).placeOrder;
    expect(placed.status).toBe('CONFIRMED');
    expect(placed.payments).toMatchObject([{ method: 'acme-pay', status: 'AUTHORIZED', amount: placed.total }]);
    expect(placed.payments[0].transactionId).toMatch(/^acme_auth_/);
    expect(paymentCalls).toContain(`authorize ${placed.total} tok-${kind}`);

    // The plugin's Order field, read with the buyer's token: bound to the engine's own Order type.
    const o = await until(async () => ok(await t.gql(ORDER, { id: placed.id }, accessToken)).order, (o) => o.status === 'SHIPPED' && !!o.shipments[0]?.labelUrl);
    expect(o.configNote).toBe(`note for ${placed.number}`);
    const [s] = o.shipments;
    expect(s).toMatchObject({ carrierCode: 'acme-post', status: 'SHIPPED' });
    expect(s.trackingNumber).toMatch(/^ACME\d{6}$/);
    expect(s.trackingUrl).toBe(`https://track.acme.example/${s.trackingNumber}`);

    // The label is in the in-memory store, and the signed link serves it from there.
    const stored = documents.get(`labels/${s.id}.pdf`);
    expect(stored?.data.toString()).toBe(`%PDF-1.4 acme label ${s.id}`);
    const res = await fetch(new URL(s.labelUrl, t.url));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe(`%PDF-1.4 acme label ${s.id}`);

    const sms = await until(() => smsSent.filter((m) => m.to === phone), (list) => list.length > 0);
    expect(sms[0].text).toContain(s.trackingUrl);
    // The row notes the provider once the send returned, a moment after the provider saw the message.
    const rows = await until(() => t.sql(`SELECT provider FROM notification_message WHERE channel = 'SMS' AND recipient = ?`, [phone]), (r) => r.length > 0 && r.every((x) => x.provider));
    expect(rows.map((r) => r.provider)).toEqual(['memory-sms']);
  });

  it('uses the providers a plugin brings, below the config file ones', async () => {
    const { order } = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CF', quantity: 1 }], { payment: { method: 'plugin-pay', token: 'x' } }) })).placeOrder;
    expect(order.payments[0]).toMatchObject({ method: 'plugin-pay', transactionId: 'plugin_auth' });
  });

  it('still knows the built-in payment methods beside the configured one', async () => {
    const { order } = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CF', quantity: 1 }]) })).placeOrder;
    expect(order.payments[0].method).toBe('test-card');
    const r = await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'CF', quantity: 1 }], { payment: { method: 'nope', token: 'x' } }) });
    expect(r.errors?.[0].message).toMatch(/Unknown payment method "nope": use one of .*acme-pay/);
  });
});

describe('providers of a plugin given straight to createEngine', () => {
  it('are checked before anything is opened, naming the module', async () => {
    const config = loadConfig({ NODE_ENV: 'test', ORDO_DATA_DIR: join(tmpdir(), 'ordo-never-created'), ORDO_SEED_DEMO: '0' });
    const plugin = definePlugin({ name: 'bad-sms', providers: { sms: { code: 'x' } as never } });
    await expect(createEngine(config, { plugins: [plugin], listen: false })).rejects.toThrow('module bad-sms: providers.sms has no send function');
  });
});
