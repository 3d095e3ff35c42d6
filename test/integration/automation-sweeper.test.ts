// The fulfillment sweeper finds confirmed orders whose routing job was lost (no shipment), on both
// databases, once they have stood still for the retry time; and nothing before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { AutomationSweeper } from '../../src/fulfillment/automation-sweeper.js';

describe.each(DB_KINDS)('fulfillment sweeper on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    // No workers: the orders' routing jobs never run, as if Redis had lost them.
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1' } });
    await setupShop(t, { variants: [{ sku: 'SW', price: 1000, stock: { 'wh-a': 10 } }] });
  });
  afterAll(async () => t?.stop());

  it('re-adds the routing job of confirmed orders without a shipment, once they stood still', async () => {
    for (let i = 0; i < 2; i++) expect(ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'SW', quantity: 1 }]) })).placeOrder.order.status).toBe('CONFIRMED');
    const sweeper = new AutomationSweeper(t.engine.app);
    expect(await sweeper.sweep(Date.now())).toBe(0);
    expect(await sweeper.sweep(Date.now() + t.engine.app.config.outboxRetryMs + 1_000)).toBe(2);
  });
});
