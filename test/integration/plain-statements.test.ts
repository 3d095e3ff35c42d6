// The hot paths' plain statements (plain-transaction.ts) on both databases. On PostgreSQL the session sends
// a statement its connection has sent a few times as EXECUTE of a shape PREPAREd there (pg-prepared.ts):
// the answers must stay those of the statement with its values written in, a shape PostgreSQL refuses to
// prepare must still run without harming the transaction around it, and a value whose meaning a typed
// parameter would change (a fraction against an integer column) must keep its meaning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { plainReads, plainStatement, plainTransaction } from '../../src/kernel/db/plain-transaction.js';
import { withPgSession } from '../../src/kernel/db/pg-session.js';
import type { Em } from '../../src/kernel/db/orm.js';
import { dialectOf } from '../../src/kernel/db/dialect.js';

const INSERT = 'INSERT INTO plain_statement_probe (id, n, label) VALUES (?, ?, ?)';
const BY_ID = 'SELECT id, n, label FROM plain_statement_probe WHERE id = ?';
const COUNT_N = 'SELECT COUNT(*) AS c FROM plain_statement_probe WHERE n = ?';

describe.each(DB_KINDS)('plain statements on %s', (kind) => {
  let t: TestEngine;
  beforeAll(async () => {
    // One pooled connection, so that the statements below reach it often enough to be prepared there.
    t = await startTestEngine(kind, { env: { ORDO_DISABLE_WORKERS: '1', DATABASE_POOL_SIZE: '1' } });
    await t.sql('CREATE TABLE plain_statement_probe (id VARCHAR(40) PRIMARY KEY, n INTEGER NOT NULL, label VARCHAR(200))');
  });
  afterAll(async () => {
    await t?.sql('DROP TABLE plain_statement_probe');
    await t?.stop();
  });

  const em = () => t.em() as Em;
  const rowsOf = (sql: string, params: unknown[]) => plainReads(em(), [{ sql, params }]).then((r) => r[0]);

  it('answers a statement sent again and again with its own values each time, in transactions and out', async () => {
    for (let i = 0; i < 8; i++) {
      const label = i % 2 ? `it's #${i}` : null; // a quote, and a null
      const row = await plainTransaction(em(), async (db) => {
        await db.execute(INSERT, [`a${i}`, i, label], 'run');
        return { result: (await db.execute(BY_ID, [`a${i}`], 'all'))[0], last: [] };
      });
      expect(row).toEqual({ id: `a${i}`, n: i, label });
      expect(await rowsOf(BY_ID, [`a${i}`])).toEqual([{ id: `a${i}`, n: i, label }]);
    }
  });

  it('runs a statement PostgreSQL will not prepare, and the transaction around it keeps its writes', async () => {
    for (let i = 0; i < 6; i++) {
      const missing = await plainTransaction(em(), async (db) => {
        await db.execute(INSERT, [`b${i}`, 100 + i, 'kept'], 'run');
        // `? IS NULL` names no type for its parameter: PREPARE refuses it inside this transaction.
        const [{ missing }] = await db.execute('SELECT (? IS NULL) AS missing', [i % 2 ? null : 'x'], 'all');
        await db.execute(INSERT, [`c${i}`, 200 + i, 'kept'], 'run');
        return { result: missing, last: [{ sql: 'UPDATE plain_statement_probe SET label = ? WHERE id = ?', params: ['committed', `b${i}`] }] };
      });
      expect(Boolean(missing)).toBe(i % 2 === 1);
      const rows = await t.sql('SELECT id, label FROM plain_statement_probe WHERE id IN (?, ?) ORDER BY id', [`b${i}`, `c${i}`]);
      expect(rows).toEqual([{ id: `b${i}`, label: 'committed' }, { id: `c${i}`, label: 'kept' }]);
    }
  });

  it('finds the rows of an id list of any size (dialect.anyOf), odd characters and all, once prepared too', async () => {
    const ids = ['d"1', 'd\\2', "d'3", 'd,4', 'd{5}', 'd 6', 'dNULL'];
    for (const [i, id] of ids.entries()) await plainStatement(em(), INSERT, [id, 900 + i, null], 'run');
    // Lists of several sizes, each sent often enough for its statement to be prepared on PostgreSQL (one
    // text there whatever the size): each answers exactly its own rows.
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n <= ids.length; n++) {
        const want = ids.slice(0, n);
        const any = dialectOf(em()).anyOf('id', [...want, 'not-there']);
        const rows = await plainTransaction(em(), async (db) => ({ result: await db.execute(`SELECT id FROM plain_statement_probe WHERE ${any.sql} ORDER BY n`, any.params, 'all'), last: [] }));
        expect(rows.map((r: { id: string }) => r.id)).toEqual(want);
      }
    }
    const none = dialectOf(em()).anyOf('id', []);
    expect(await rowsOf(`SELECT id FROM plain_statement_probe WHERE ${none.sql}`, none.params)).toEqual([]);
    const byN = dialectOf(em()).anyOf('n', [900, 902]);
    expect((await rowsOf(`SELECT id FROM plain_statement_probe WHERE ${byN.sql} ORDER BY n`, byN.params)).map((r: { id: string }) => r.id)).toEqual([ids[0], ids[2]]);
  });

  it('rolls back what a failed transaction wrote, also once its statements are prepared', async () => {
    for (let i = 0; i < 6; i++) {
      await expect(plainTransaction(em(), async (db) => {
        await db.execute(INSERT, [`d${i}`, 300 + i, 'rolled back'], 'run');
        await db.execute(INSERT, [`d${i}`, 300 + i, 'twice'], 'run'); // the same key: refused
        return { result: null, last: [] };
      })).rejects.toThrow();
      expect(await t.sql('SELECT id FROM plain_statement_probe WHERE id = ?', [`d${i}`])).toEqual([]);
    }
  });

  it('relays the events a plain transaction wrote at its commit, not at the relay\'s next poll', async () => {
    let commits = 0;
    t.engine.app.orm.em.getEventManager().registerSubscriber({ afterTransactionCommit: () => void commits++ });
    const before = commits;
    const id = await plainTransaction(em(), async (db) => {
      await db.execute(INSERT, ['k1', 400, 'with an event'], 'run');
      await db.execute(`INSERT INTO outbox_event (type, aggregate_id, payload, created_at_ms, attempts) VALUES ('probe.committed', 'k1', '{}', ?, 0)`, [Date.now()], 'run');
      const [{ id }] = await db.execute(`SELECT MAX(id) AS id FROM outbox_event WHERE aggregate_id = 'k1'`, [], 'all');
      return { result: Number(id), last: [] };
    });
    // The ORM's subscribers hear of the commit (the relay's kick, app.ts) as after the ORM's own transactions.
    expect(commits).toBeGreaterThan(before);
    // The relay pass that kick started publishes the event: nothing waits for the poll (a second away).
    await t.engine.app.relay.drain();
    const [row] = await t.sql('SELECT published_at_ms FROM outbox_event WHERE id = ?', [id]);
    expect(row.published_at_ms).not.toBeNull();
  });

  it('answers concurrent lone statements each with its own answer; a unique violation is its own caller\'s error', async () => {
    await plainStatement(em(), INSERT, ['d0', 300, 'first'], 'run');
    // Sent at the same moment: on PostgreSQL they share a round trip (shared-trip.ts), where the repeat
    // of d0 undoes its neighbours' inserts until each runs alone.
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => plainStatement(em(), INSERT, [i === 3 ? 'd0' : `d${i}`, 300 + i, 'together'], 'run')));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(UniqueConstraintViolationException);
    expect(results.flatMap((r) => (r.status === 'fulfilled' ? [Number(r.value.affectedRows)] : []))).toEqual([1, 1, 1, 1]);
    expect((await t.sql("SELECT id FROM plain_statement_probe WHERE label = 'together' ORDER BY id")).map((r: { id: string }) => r.id)).toEqual(['d1', 'd2', 'd4', 'd5']);
    // Reads at the same moment: each caller its own rows.
    const reads = await Promise.all([1, 2, 4, 5].map((i) => plainReads(em(), [{ sql: BY_ID, params: [`d${i}`] }, { sql: COUNT_N, params: [300 + i] }])));
    expect(reads.map(([rows, [count]]) => [rows[0].n, Number(count.c)])).toEqual([[301, 1], [302, 1], [304, 1], [305, 1]]);
  });

  it('compares a fraction with an integer column as a fraction, after the statement is prepared for integers', async () => {
    await t.sql('INSERT INTO plain_statement_probe (id, n, label) VALUES (?, ?, ?)', ['e2', 7002, null]);
    for (let i = 0; i < 6; i++) expect(Number((await rowsOf(COUNT_N, [7002]))[0].c)).toBe(1);
    // A typed integer parameter would round 7001.5 to 7002 and find the row.
    expect(Number((await rowsOf(COUNT_N, [7001.5]))[0].c)).toBe(0);
    expect(Number((await rowsOf(COUNT_N, [7002]))[0].c)).toBe(1);
  });
});

describe('prepared statements on postgresql', () => {
  let t: TestEngine;
  let inline: TestEngine;
  beforeAll(async () => {
    [t, inline] = await Promise.all([
      startTestEngine('postgresql', { env: { ORDO_DISABLE_WORKERS: '1', DATABASE_POOL_SIZE: '1' } }),
      // Behind a pooler in transaction mode a connection's prepared statements are gone the next time.
      startTestEngine('postgresql', { env: { ORDO_DISABLE_WORKERS: '1', DATABASE_PREPARE: 'false' } }),
    ]);
  });
  afterAll(async () => Promise.all([t?.stop(), inline?.stop()]));

  /** Sends a shape six times on one session: its answers, and the statements prepared on that connection. */
  const sendOften = (engine: TestEngine, sql: string) => withPgSession(engine.em() as Em, async (session) => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await session.execute(sql, [`nowhere-${i}`, i < 5 ? 0 : 1], 'all'));
    const prepared = await session.execute('SELECT statement FROM pg_prepared_statements', [], 'all');
    return { answers, prepared: prepared.map((r: { statement: string }) => r.statement) };
  });

  it('prepares a shape sent often on the connection that sends it, and answers the same through it', async () => {
    const { answers, prepared } = await sendOften(t, 'SELECT COUNT(*) AS n FROM channel WHERE code = ? OR ? = 1');
    const all = Number((await t.sql('SELECT COUNT(*) AS n FROM channel'))[0].n);
    expect(all).toBeGreaterThan(0); // the default channel
    expect(answers.map((rows) => Number(rows[0].n))).toEqual([0, 0, 0, 0, 0, all]);
    expect(prepared).toContainEqual(expect.stringMatching(/^PREPARE ordo_\d+ AS SELECT COUNT\(\*\) AS n FROM channel WHERE code = \$1 OR \$2 = 1$/));
  });

  it('sends the lone statements of callers at the same moment in one round trip (one implicit transaction)', async () => {
    const em = t.em() as Em;
    const xid = (r: { x: string }) => r.x;
    const together = await Promise.all([1, 2, 3, 4, 5, 6].map(() => plainStatement(em, 'SELECT txid_current()::text AS x', [], 'get')));
    expect(new Set(together.map(xid)).size).toBe(1);
    const alone = await plainStatement(em, 'SELECT txid_current()::text AS x', [], 'get');
    expect(xid(alone)).not.toBe(xid(together[0]));
  });

  it('prepares nothing with DATABASE_PREPARE=false', async () => {
    const { answers, prepared } = await sendOften(inline, 'SELECT COUNT(*) AS n FROM channel WHERE code = ? OR ? = 2');
    expect(answers.map((rows) => Number(rows[0].n))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(prepared).toEqual([]);
  });

  it('answers again after a migration changed a prepared statement\'s columns under it (a rolling deploy)', async () => {
    await t.sql('CREATE TABLE prepared_probe (id VARCHAR(40) PRIMARY KEY, n INTEGER NOT NULL)');
    await t.sql("INSERT INTO prepared_probe (id, n) VALUES ('p1', 5)");
    const sql = 'SELECT n FROM prepared_probe WHERE id = ?';
    const send = () => withPgSession(t.em() as Em, (session) => session.execute(sql, ['p1'], 'all'));
    for (let i = 0; i < 6; i++) expect((await send()).map((r: { n: unknown }) => Number(r.n))).toEqual([5]);
    await t.sql('ALTER TABLE prepared_probe ALTER COLUMN n TYPE BIGINT'); // what another version's migration may do
    // The statement prepared before refuses once ("cached plan must not change result type"); the pool
    // drops that connection, and the next one answers.
    await expect(send()).rejects.toThrow(/result type/);
    expect((await send()).map((r: { n: unknown }) => Number(r.n))).toEqual([5]);
    await t.sql('DROP TABLE prepared_probe');
  });

  it('answers again after its prepared statements were deallocated behind its back', async () => {
    const sql = 'SELECT COUNT(*) AS n FROM channel WHERE code = ? OR ? = 3';
    const send = () => withPgSession(t.em() as Em, (session) => session.execute(sql, ['none', 3], 'all'));
    for (let i = 0; i < 6; i++) expect(Number((await send())[0].n)).toBeGreaterThan(0);
    await withPgSession(t.em() as Em, (session) => session.execute('DEALLOCATE ALL', [], 'run')); // what a pooler's reset does
    await expect(send()).rejects.toThrow(/does not exist/);
    expect(Number((await send())[0].n)).toBeGreaterThan(0);
  });

  it('answers a committed plain transaction as committed even when a commit subscriber throws', async () => {
    // On a session the commit's news is the session's to send (pg-session.ts); a subscriber failing there
    // must not look like a failed commit, which the group commit would answer by placing its orders again,
    // nor escape as an unhandled rejection (vitest fails the run on one; a Node process ends).
    // (On SQLite the ORM's own transaction tells its subscribers, as everywhere else in the engine.)
    await t.sql('CREATE TABLE plain_statement_probe (id VARCHAR(40) PRIMARY KEY, n INTEGER NOT NULL, label VARCHAR(200))');
    const em = () => t.em() as Em;
    let failing = true;
    t.engine.app.orm.em.getEventManager().registerSubscriber({
      afterTransactionCommit: () => {
        if (failing) throw new Error('a plugin subscriber failed');
      },
    });
    try {
      const answer = await plainTransaction(em(), async (db) => {
        await db.execute(INSERT, ['k2', 401, 'kept'], 'run');
        return { result: 'done', last: [] };
      });
      expect(answer).toBe('done');
      expect(await t.sql('SELECT label FROM plain_statement_probe WHERE id = ?', ['k2'])).toEqual([{ label: 'kept' }]);
    } finally {
      failing = false;
      await t.sql('DROP TABLE plain_statement_probe');
    }
  });
});
