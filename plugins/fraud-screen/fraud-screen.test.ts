// fraud-screen on both databases, enabled by an ordo.config file as a deployment would: suspicious
// orders end ON_HOLD with the rule in their history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, pluginImport, startTestEngine, type TestEngine } from '../../test/helpers/engine.js';
import { ok } from '../../test/helpers/gql.js';
import { ADDRESS, orderInput, PLACE_ORDER, setupShop } from '../../test/helpers/fixtures.js';

const configFile = `
import { fraudScreen } from ${JSON.stringify(pluginImport('plugins/fraud-screen/index.ts'))};
export default { plugins: [fraudScreen({ maxTotal: 10_000, maxOrdersPerEmailPerHour: 2 })] };
`;

describe.each(DB_KINDS)('fraud-screen on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine(kind, { configFile });
    expect(t.engine.app.modules.map((m) => m.name)).toContain('fraud-screen');
    await setupShop(t, { variants: [{ sku: 'FS', price: 1000, stock: { 'wh-a': 500 } }] });
  });
  afterAll(async () => t?.stop());

  const place = async (quantity: number, extra: Record<string, unknown>) =>
    ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'FS', quantity }], extra) })).placeOrder.order;
  const heldMessage = (order: any) => order.history.find((h: any) => h.toStatus === 'ON_HOLD')?.message as string | undefined;

  it('confirms a normal order', async () => {
    const order = await place(1, { email: 'normal@example.com', billingAddress: ADDRESS });
    expect(order.status).toBe('CONFIRMED');
    expect(heldMessage(order)).toBeUndefined();
  });

  it('holds an order whose total is above maxTotal, naming the rule', async () => {
    const order = await place(20, { email: 'big@example.com' });
    expect(order.total).toBeGreaterThan(10_000);
    expect(order.status).toBe('ON_HOLD');
    expect(heldMessage(order)).toMatch(/fraud-screen rule max-total/);
  });

  it('holds an order billed in another country than it ships to', async () => {
    const order = await place(1, { email: 'abroad@example.com', billingAddress: { ...ADDRESS, countryCode: 'FR' } });
    expect(order.status).toBe('ON_HOLD');
    expect(heldMessage(order)).toMatch(/fraud-screen rule country-mismatch: billing country FR differs from shipping country DE/);
  });

  it('holds the third order of one email within an hour', async () => {
    const first = await place(1, { email: 'busy@example.com' });
    const second = await place(1, { email: 'busy@example.com' });
    const third = await place(1, { email: 'busy@example.com' });
    expect([first.status, second.status, third.status]).toEqual(['CONFIRMED', 'CONFIRMED', 'ON_HOLD']);
    expect(heldMessage(third)).toMatch(/fraud-screen rule velocity: 3 orders from busy@example.com/);
    // The hold is in the stored history too, not only in the answer.
    const rows = await t.sql(`SELECT message FROM order_history_entry WHERE order_id = ? AND to_status = 'ON_HOLD'`, [third.id]);
    expect(rows.map((r) => r.message).join()).toMatch(/velocity/);
  });
});

describe('fraud-screen rules, for the people who review held orders', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('sqlite', { configFile });
  });
  afterAll(async () => t?.stop());

  it('lists the rules with the limits of the config file, to staff only', async () => {
    const RULES = `{ fraudScreenRules { rule enabled limit } }`;
    expect(ok(await t.admin(RULES)).fraudScreenRules).toEqual([
      { rule: 'max-total', enabled: true, limit: 10_000 },
      { rule: 'country-mismatch', enabled: true, limit: null },
      { rule: 'velocity', enabled: true, limit: 2 },
    ]);
    expect((await t.gql(RULES)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
