// The relay's claim floor on PostgreSQL (kernel/outbox/claim-floor.ts) with a real straggler: a
// transaction inserts an event and stays open while orders are placed and their events relayed, for
// longer than the floor's grace; the floor rises under that traffic but not past the open transaction's
// event, and once it commits (its id lower than many relayed meanwhile) the event is relayed on the next
// passes, long before any sweep (ORDO_OUTBOX_RETRY_MS is ten minutes here, so no full pass comes from it).
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { ok } from '../helpers/gql.js';
import { orderInput, PLACE_ORDER, setupShop } from '../helpers/fixtures.js';
import { settled } from '../helpers/settled.js';
import { sleep } from '../helpers/until.js';

describe('the outbox claim floor on PostgreSQL', () => {
  let t: TestEngine;
  let client: pg.Client | undefined;
  afterAll(async () => {
    await client?.end();
    await t?.stop();
  });

  const floorOf = () => (t.engine.app.relay as unknown as { floor: { start(): { from: number } } }).floor.start().from;
  const publishedAt = async (id: number) => (await t.sql('SELECT published_at_ms FROM outbox_event WHERE id = ?', [id]))[0]?.published_at_ms ?? null;

  it('rises under traffic, waits for an open transaction, and relays its event once it commits', async () => {
    t = await startTestEngine('postgresql', { env: { ORDO_OUTBOX_RETRY_MS: '600000' } });
    await setupShop(t, { variants: [{ sku: 'FL', price: 500, stock: { 'wh-a': 100 } }] });
    const place = async () => ok(await t.gql(PLACE_ORDER, { input: orderInput([{ sku: 'FL', quantity: 1 }]) }));

    // Traffic until the floor rises past the setup's events: at least the grace, longer while another
    // transaction that has written is open anywhere on the server (transaction ids are the cluster's:
    // other test files write to their own databases at the same time).
    const traffic = async (until: () => boolean, ms: number) => {
      for (const end = Date.now() + ms; Date.now() < end && !until();) {
        await place();
        await sleep(150);
      }
      await settled(t);
    };
    await traffic(() => floorOf() > 0, 20_000);
    const before = floorOf();
    expect(before).toBeGreaterThan(0);

    client = new pg.Client({ connectionString: t.env.DATABASE_URL });
    await client.connect();
    await client.query('BEGIN');
    const { rows: [row] } = await client.query(
      "INSERT INTO outbox_event (type, aggregate_id, payload, created_at_ms, attempts) VALUES ('test.straggler', NULL, '{}', $1, 0) RETURNING id",
      [Date.now()],
    );
    const straggler = Number(row.id);

    // Orders placed and their events relayed for three seconds, three times the floor's grace.
    for (const end = Date.now() + 3_000; Date.now() < end;) {
      await place();
      await sleep(150);
    }
    await settled(t);
    const [{ top }] = await t.sql('SELECT max(id) AS top FROM outbox_event WHERE published_at_ms IS NOT NULL');
    expect(Number(top)).toBeGreaterThan(straggler + 20);
    // The floor stays below the open transaction's event.
    expect(floorOf()).toBeGreaterThanOrEqual(before);
    expect(floorOf()).toBeLessThan(straggler);
    expect(await publishedAt(straggler)).toBeNull();

    await client.query('COMMIT');
    await place(); // a commit through the engine wakes the relay at once (else its poll, within a second)
    for (const end = Date.now() + 5_000; !(await publishedAt(straggler)) && Date.now() < end;) await sleep(50);
    expect(await publishedAt(straggler)).not.toBeNull();

    // And with it committed, the floor rises past it under further traffic.
    await traffic(() => floorOf() > straggler, 20_000);
    expect(floorOf()).toBeGreaterThan(straggler);
  }, 90_000);
});
