// The Dialect's members against the real databases: each difference between PostgreSQL and SQLite that
// services and plugins reach through `dialectOf(db)` does, on each database, what the code relying on it
// needs (a datetime parameter compares and reads back, a lock holds or is skipped, a sequence numbers
// without waiting, several inserts go out as one statement, the session commits and rolls back).
// Also the plain-row shapes (kernel/db/entity-rows.ts): columns from the metadata, and a column that no
// fill covers stops the insert with its name.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BigIntType, Embeddable, Embedded, Entity, JsonType, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Em, type Orm } from '../../src/kernel/db/orm.js';
import { dialectOf, type Dialect } from '../../src/kernel/db/dialect.js';
import { PlainRows } from '../../src/kernel/db/entity-rows.js';
import { sqlCounter } from '../../src/kernel/db/sql-counter.js';
import { createLogger } from '../../src/kernel/logger.js';
import type { OrdoConfig } from '../../src/config.js';
import { createPgDatabase } from '../helpers/services.js';
import { DB_KINDS } from '../helpers/engine.js';

@Embeddable()
class ProbeAddress {
  @Property({ length: 100 }) city!: string;
  @Property({ type: 'string', length: 20, nullable: true }) zip?: string | null;
}

@Entity({ tableName: 'probe' })
class Probe {
  @PrimaryKey({ length: 40 }) id!: string;
  @Property({ length: 100 }) name!: string;
  @Property() at!: Date;
  @Property({ type: JsonType, nullable: true }) data?: Record<string, unknown> | null;
  @Embedded(() => ProbeAddress, { prefix: 'addr_' }) address!: ProbeAddress;
  @Property({ type: 'integer', nullable: true }) rank?: number | null;
}

@Entity({ tableName: 'probe_part' })
class ProbePart {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true }) id!: number;
  @ManyToOne(() => Probe) probe!: Rel<Probe>;
  @Property({ type: 'integer' }) n!: number;
}

interface ProbeRow { id: string; name: string; at: Date; data: Record<string, unknown> | null; city: string; zip?: string | null }

const PROBES = new PlainRows<ProbeRow, null>('Probe', {
  id: (r) => r.id, name: (r) => r.name, at: (r) => r.at, data: (r) => r.data,
  address: (r) => ({ city: r.city, zip: r.zip }), rank: () => null,
});
const PARTS = new PlainRows<number, string>('ProbePart', { probe: (_, probeId) => probeId, n: (n) => n });

/** Statements `fn` sends, as the engine counts them for x-ordo-sql-count. */
async function counted(fn: () => Promise<unknown>): Promise<string[]> {
  const store = { count: 0, statements: [] as string[] };
  await sqlCounter.run(store, fn);
  return store.statements;
}

describe.each(DB_KINDS)('the %s dialect', (kind) => {
  let orm: Orm;
  let dialect: Dialect;
  let dir: string;
  let drop: (() => Promise<void>) | undefined;
  const em = () => orm.em.fork() as Em;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-dialect-'));
    const pg = kind === 'postgresql' ? await createPgDatabase() : null;
    drop = pg?.drop;
    const config = { database: { kind, url: pg?.url, sqlitePath: join(dir, 'db.sqlite'), poolSize: 4 } } as OrdoConfig;
    orm = await openDatabase(config, { entities: [Probe, ProbeAddress, ProbePart], migrations: [], log: createLogger('silent') });
    await orm.schema.createSchema();
    dialect = dialectOf(orm.em);
  });
  afterAll(async () => {
    await orm?.close(true);
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the dialect of the database, for an EntityManager and a transaction alike', async () => {
    expect(dialect.name).toBe(kind);
    await em().transactional(async (tx) => expect(dialectOf(tx)).toBe(dialect));
  });

  it('inserts the rows of several tables (one statement on PostgreSQL) with columns, dates and JSON as the ORM reads them', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const db = em();
    const statements = dialect.insertStatements([
      PROBES.rows(db, dialect, [
        { id: 'p1', name: 'Hello World', at, data: { a: [1, 'x'] }, city: 'Berlin', zip: '10115' },
        { id: 'p2', name: 'second', at: new Date(at.getTime() + 60_000), data: null, city: 'Köln' },
      ], null),
      PARTS.rows(db, dialect, [1, 2, 3], 'p1'),
    ]);
    expect(statements).toHaveLength(kind === 'postgresql' ? 1 : 2);
    const sent = await counted(() => db.transactional(async (tx) => {
      for (const s of statements) await tx.execute(s.sql, s.params, 'run');
    }));
    expect(sent.filter((s) => /insert/i.test(s))).toHaveLength(statements.length);

    const p1 = await em().findOneOrFail(Probe, { id: 'p1' });
    expect(p1.at.toISOString()).toBe(at.toISOString());
    expect(p1.data).toEqual({ a: [1, 'x'] });
    expect(p1.address).toMatchObject({ city: 'Berlin', zip: '10115' });
    expect(p1.rank).toBeNull();
    const p2 = await em().findOneOrFail(Probe, { id: 'p2' });
    expect(p2.data).toBeNull();
    expect(p2.address.zip).toBeNull();
    expect(await em().count(ProbePart, { probe: 'p1' })).toBe(3);
  });

  it('inserts a batch of rows (as one JSON parameter on PostgreSQL, whatever their count) exactly as the ORM reads them back', async () => {
    const at = new Date('2026-07-08T09:10:11.012Z');
    const rows = Array.from({ length: 7 }, (_, i) => ({
      id: `b${i}`,
      // Quotes, a backslash, a line break, a non-Latin letter, a JSON-looking string: values, not syntax.
      name: [`O'Brien "${i}"`, 'back\\slash', 'line\nbreak', 'Łódź €', '{"not": "json"}', 'null', ''][i],
      at: new Date(at.getTime() + i * 1000),
      data: i % 3 === 0 ? null : { i, nested: { list: [i, `x${i}`, null] }, quote: "it's" },
      city: `City ${i}`,
      zip: i % 2 ? null : `Z${i}`,
    }));
    const db = em();
    const statements = dialect.insertStatements([PROBES.rows(db, dialect, rows, null), PARTS.rows(db, dialect, [10, 20, 30, 40, 50, 60], 'b1')]);
    await db.transactional(async (tx) => {
      for (const s of statements) await tx.execute(s.sql, s.params, 'run');
    });
    if (kind === 'postgresql') {
      // The text does not name the row count: a batch of another size is the same statement (prepared once).
      const other = dialect.insertStatements([PROBES.rows(db, dialect, rows.slice(0, 6), null), PARTS.rows(db, dialect, [1, 2, 3, 4, 5, 6, 7, 8], 'b1')]);
      expect(other[0].sql).toBe(statements[0].sql);
      expect(statements[0].params).toHaveLength(2);
    }
    for (const r of rows) {
      const p = await em().findOneOrFail(Probe, { id: r.id });
      expect({ name: p.name, at: p.at.toISOString(), data: p.data ?? null, city: p.address.city, zip: p.address.zip ?? null, rank: p.rank ?? null })
        .toEqual({ name: r.name, at: r.at.toISOString(), data: r.data, city: r.city, zip: r.zip, rank: null });
    }
    const parts = await em().find(ProbePart, { probe: 'b1' }, { orderBy: { n: 'asc' } });
    expect(parts.map((x) => x.n)).toEqual([10, 20, 30, 40, 50, 60]);
    // The tests after this one read the probes of the one before.
    await em().nativeDelete(ProbePart, { probe: 'b1' });
    await em().nativeDelete(Probe, { id: rows.map((r) => r.id) });
  });

  it('binds a datetime that compares with the stored ones, and reads a raw one back as a Date', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const db = em();
    const before = await db.execute('SELECT id FROM probe WHERE at < ? ORDER BY id', [dialect.date(new Date(at.getTime() + 1))]);
    expect(before.map((r: any) => r.id)).toEqual(['p1']);
    const after = await db.execute('SELECT id FROM probe WHERE at > ? ORDER BY id', [dialect.date(at)]);
    expect(after.map((r: any) => r.id)).toEqual(['p2']);
    const [raw] = await db.execute('SELECT at FROM probe WHERE id = ?', ['p1']);
    expect(dialect.readDate(raw.at).toISOString()).toBe(at.toISOString());
    // A datetime written through the parameter reads back through the ORM unchanged.
    const later = new Date('2027-01-02T03:04:05.006Z');
    await db.execute('UPDATE probe SET at = ? WHERE id = ?', [dialect.date(later), 'p2'], 'run');
    expect((await em().findOneOrFail(Probe, { id: 'p2' })).at.toISOString()).toBe(later.toISOString());
  });

  it('filters case-insensitively', async () => {
    const found = await em().find(Probe, { name: dialect.ilike('%hello WORLD%') });
    expect(found.map((p) => p.id)).toEqual(['p1']);
  });

  it('locks rows for the transaction where transactions write side by side, and sends nothing where they do not', async () => {
    if (kind === 'sqlite') {
      expect(dialect.forUpdate()).toBe('');
      expect(dialect.lockedRead).toEqual({});
      const sent = await counted(() => em().transactional((tx) => dialect.lockRows(tx, 'SELECT id FROM probe WHERE id = ?', ['p1'])));
      expect(sent.filter((s) => /probe/.test(s))).toEqual([]);
      return;
    }
    // A holds p1 (lockRows); B cannot lock it (it would wait), but its SKIP LOCKED claim takes p2.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const a = em().transactional(async (tx) => {
      await dialect.lockRows(tx, 'SELECT id FROM probe WHERE id = ?', ['p1']);
      locked();
      await held;
    });
    await isLocked;
    let claimed: string[] = [];
    let waited: unknown;
    try {
      await em().transactional(async (tx) => {
        claimed = (await tx.execute(`SELECT id FROM probe ORDER BY id LIMIT 1${dialect.forUpdate({ skipLocked: true })}`)).map((r: any) => r.id);
        await tx.execute("SET LOCAL lock_timeout = '200ms'");
        await tx.findOne(Probe, { id: 'p1' }, dialect.lockedRead);
      });
    } catch (e) {
      waited = e;
    } finally {
      release();
      await a;
    }
    expect(claimed).toEqual(['p2']);
    expect(String(waited)).toMatch(/lock timeout/); // B had to wait for A's lock (and gave up)
    // Once A committed, the row is free again.
    await em().transactional(async (tx) => expect(await tx.findOne(Probe, { id: 'p1' }, dialect.lockedRead)).not.toBeNull());
  });

  it('numbers from a sequence without waiting for other transactions (PostgreSQL), or leaves it to a counter row (SQLite)', async () => {
    const sent = await counted(() => dialect.createSequence(em(), 'probe_no', 1001));
    const next = dialect.nextValueSql('probe_no');
    if (kind === 'sqlite') {
      expect(sent).toEqual([]);
      expect(next).toBeNull();
      return;
    }
    expect(next).not.toBeNull();
    // Two open transactions both take a number at once; the one rolled back leaves a gap, never a repeat.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let took!: (n: number) => void;
    const first = new Promise<number>((r) => (took = r));
    const a = em().transactional(async (tx) => {
      const [row] = await tx.execute(`SELECT ${next} AS n`);
      took(Number(row.n));
      await held;
      throw new Error('roll back');
    }).catch(() => {});
    const n1 = await first;
    const [row2] = await em().transactional((tx) => tx.execute(`SELECT ${next} AS n`));
    release();
    await a;
    const [row3] = await em().execute(`SELECT ${next} AS n`);
    expect([n1, Number(row2.n), Number(row3.n)]).toEqual([1001, 1002, 1003]);
    expect(() => dialect.nextValueSql("x'); DROP TABLE probe; --")).toThrow(/identifier/);
  });

  it('offers the session path where it saves round trips: BEGIN and COMMIT travel with the statements', async () => {
    if (kind === 'sqlite') {
      expect(dialect.withSession).toBeNull();
      return;
    }
    const withSession = dialect.withSession!;
    const insert = PARTS.rows(em(), dialect, [7], 'p2');
    const [stmt] = dialect.insertStatements([insert]);
    // Rolled back: nothing stays.
    await withSession(em(), async (s) => {
      s.begin();
      await s.execute(stmt.sql, stmt.params, 'run');
      await s.rollback();
    });
    expect(await em().count(ProbePart, { n: 7 })).toBe(0);
    // Committed: the first statement carried BEGIN, the last one COMMIT.
    const sent = await counted(() => withSession(em(), async (s) => {
      s.begin();
      await s.execute('SELECT 1');
      await s.commit([stmt]);
    }));
    expect(sent).toEqual(['BEGIN', 'SELECT 1', expect.stringMatching(/^WITH t0 AS \(INSERT INTO probe_part .* VALUES \('p2', 7\)\) SELECT 1$/), 'COMMIT']);
    expect(await em().count(ProbePart, { n: 7 })).toBe(1);
  });
});

describe('plain rows from the entity metadata', () => {
  let orm: Orm;
  let dir: string;
  const db = () => orm.em.fork() as Em;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ordo-rows-'));
    const config = { database: { kind: 'sqlite', sqlitePath: join(dir, 'db.sqlite'), poolSize: 1 } } as OrdoConfig;
    orm = await openDatabase(config, { entities: [Probe, ProbeAddress, ProbePart], migrations: [], log: createLogger('silent') });
  });
  afterAll(async () => {
    await orm?.close(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every column of the entity, embedded ones included, in the order of its columns', () => {
    const t = PROBES.rows(db(), dialectOf(orm.em), [{ id: 'x', name: 'n', at: new Date(5), data: null, city: 'C' }], null);
    expect(t.table).toBe('probe');
    expect(t.columns).toEqual(['id', 'name', 'at', 'data', 'addr_city', 'addr_zip', 'rank']);
    expect(t.rows).toEqual([['x', 'n', 5, null, 'C', null, null]]);
    // The autoincrement key is the database's; a relation is its id.
    expect(PARTS.rows(db(), dialectOf(orm.em), [4], 'x')).toMatchObject({ columns: ['probe_id', 'n'], rows: [['x', 4]] });
  });

  it('refuses a fill that misses a column (one added to the entity later), naming it, nullable or not', () => {
    const missing = new PlainRows<ProbeRow, null>('Probe', { id: (r) => r.id, name: (r) => r.name, at: (r) => r.at, address: (r) => ({ city: r.city }) });
    expect(() => missing.rows(db(), dialectOf(orm.em), [], null)).toThrow(/no value for Probe\.data, Probe\.rank/);
    const unknown = new PlainRows<number, string>('ProbePart', { probe: (_, p) => p, n: (n) => n, colour: () => 'red' });
    expect(() => unknown.rows(db(), dialectOf(orm.em), [], 'x')).toThrow(/colour/);
  });

  it('refuses a NOT NULL value left empty', () => {
    const rows = () => PROBES.rows(db(), dialectOf(orm.em), [{ id: 'x', name: null as unknown as string, at: new Date(), data: null, city: 'C' }], null);
    expect(rows).toThrow(/Probe\.name \(probe\.name\)/);
  });
});
