// DATABASE_READ_URL: order lists and their totalCount read from the replica; everything else, anything in a
// transaction and every write use the primary. The "replica" here is a copy of the primary's database
// (CREATE DATABASE … TEMPLATE) that nothing replicates into: whatever differs between the two shows which
// one a read went to. PostgreSQL only (SQLite refuses the setting).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { PG_ADMIN_URL } from '../helpers/services.js';

const LIST = `query { orders(first: 10) { totalCount nodes { id email status } } }`;
const MY_ORDERS = `query { me { orders(first: 10) { totalCount nodes { id email } } } }`;
const ONE = `query($id: ID!) { order(id: $id) { id email status } }`;

async function adminSql(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

describe('a read replica (DATABASE_READ_URL) on postgresql', () => {
  let seeded: TestEngine; // made the primary's rows, then stopped; its database is the primary
  let t: TestEngine; // the engine under test: primary + replica
  let primaryUrl: string, replicaUrl: string, replicaName: string;
  let first: string, customerToken: string;

  beforeAll(async () => {
    seeded = await startTestEngine('postgresql');
    await setupShop(seeded, { variants: [{ sku: 'R1', price: 100, stock: { 'wh-a': 100 } }] });
    customerToken = ok(await seeded.gql(`mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { token } }`,
      { i: { email: 'rita@example.com', password: 'correct horse battery', name: 'Rita' } })).registerCustomer.token;
    first = ok(await seeded.gql(PLACE_ORDER, { input: orderInput([{ sku: 'R1', quantity: 1 }], { email: 'rita@example.com' }) }, customerToken)).placeOrder.order.id;
    await seeded.engine.stop(); // CREATE DATABASE … TEMPLATE needs the template without connections
    primaryUrl = seeded.env.DATABASE_URL;
    replicaName = `${new URL(primaryUrl).pathname.slice(1)}_replica`;
    replicaUrl = primaryUrl.replace(/\/[^/]*$/, `/${replicaName}`);
    await adminSql(`CREATE DATABASE ${replicaName} TEMPLATE ${new URL(primaryUrl).pathname.slice(1)}`);
    // What only the replica has: another email on the order.
    const r = new pg.Client({ connectionString: replicaUrl });
    await r.connect();
    await r.query(`UPDATE orders SET email = 'seen-on-the-replica@example.com' WHERE id = $1`, [first]);
    await r.end();
    t = await startTestEngine('postgresql', { env: { DATABASE_URL: primaryUrl, DATABASE_READ_URL: replicaUrl } });
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    await seeded?.stop(); // drops the primary
    await adminSql(`DROP DATABASE IF EXISTS ${replicaName} WITH (FORCE)`);
  });

  it('reads the admin orders list and its totalCount from the replica', async () => {
    const list = ok(await t.admin(LIST)).orders;
    expect(list.totalCount).toBe(1);
    expect(list.nodes).toEqual([{ id: first, email: 'seen-on-the-replica@example.com', status: 'CONFIRMED' }]);
  });

  it("reads a customer's own orders from the replica", async () => {
    const mine = ok(await t.gql(MY_ORDERS, {}, customerToken)).me.orders;
    expect(mine.totalCount).toBe(1);
    expect(mine.nodes).toEqual([{ id: first, email: 'seen-on-the-replica@example.com' }]);
  });

  it("reads one order, writes and transactions from the primary; the list keeps showing the replica's rows", async () => {
    expect(ok(await t.admin(ONE, { id: first })).order.email).toBe('rita@example.com');
    // A write (placeOrder's transaction) goes to the primary: order(id) finds it, the replica never had it.
    const second = ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'R1', quantity: 1 }]) })).placeOrder.order.id;
    expect(ok(await t.admin(ONE, { id: second })).order.id).toBe(second);
    // A mutation reads and writes in its transaction on the primary (the replica has the order CONFIRMED and
    // would not know the hold).
    expect(ok(await t.admin(`mutation($id: ID!) { holdOrder(id: $id, reason: "check") { status email } }`, { id: first })).holdOrder)
      .toEqual({ status: 'ON_HOLD', email: 'rita@example.com' });
    const list = ok(await t.admin(LIST)).orders;
    expect(list.totalCount).toBe(1);
    expect(list.nodes.map((n: { id: string; status: string }) => [n.id, n.status])).toEqual([[first, 'CONFIRMED']]);
    const [primary] = await t.sql('SELECT COUNT(*) AS n FROM orders');
    expect(Number(primary.n)).toBe(2);
  });

  it('is refused without PostgreSQL as DATABASE_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_READ_URL: replicaUrl })).toThrow(/DATABASE_READ_URL/);
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_URL: primaryUrl, DATABASE_READ_URL: 'mysql://x' })).toThrow(/DATABASE_READ_URL/);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: primaryUrl, DATABASE_READ_URL: replicaUrl }).database.readUrl).toBe(replicaUrl);
  });
});
