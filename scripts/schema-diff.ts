// What a new migration must do, for one dialect: a scratch database (a SQLite file in a temp folder, or
// a fresh PostgreSQL database) is built from the migrations so far, read back, and compared with the
// entities by MikroORM's schema generator (no snapshot: the database itself is the "before"). Empty
// when the entities match the migrations.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM, type EntityMetadata, type MigrationObject } from '@mikro-orm/core';
import { SqlSchemaGenerator, type EntityManager } from '@mikro-orm/knex';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { ormOptions } from '../src/kernel/db/orm.js';
import { createLogger } from '../src/kernel/logger.js';
import { fixSqliteIntrospection } from './sqlite-introspection.js';

export type DialectKind = 'sqlite' | 'postgresql';
export const DIALECTS: DialectKind[] = ['sqlite', 'postgresql'];

export interface DiffInput {
  /** Every entity the ORM needs to know (a plugin's entities refer to the core's). */
  entities: Function[];
  /** The migrations so far, in order: they build the "before". */
  migrations: MigrationObject[];
  /** Entities whose tables are someone else's: left out of the comparison (a plugin leaves the core's alone). */
  notOurs?: Function[];
  /** A PostgreSQL server to create the scratch database on (an admin connection URL). */
  pgServer: string;
}

export interface DialectDiff {
  kind: DialectKind;
  up: string[];
  down: string[];
  /** Things a reviewer must know about the statements (SQLite table rebuilds). */
  notes: string[];
}

export async function diffDialect(kind: DialectKind, input: DiffInput): Promise<DialectDiff> {
  const scratch = kind === 'postgresql' ? await scratchPg(input.pgServer) : scratchSqlite();
  try {
    const config = loadConfig({ DATABASE_URL: scratch.url, ORDO_DATA_DIR: scratch.dataDir });
    const log = createLogger('warn');
    const orm = await MikroORM.init(ormOptions(config, { entities: input.entities, migrations: input.migrations, log }));
    try {
      await orm.getMigrator().up();
      if (kind === 'sqlite') fixSqliteIntrospection(orm);
      const notOurs = new Set(input.notOurs ?? []);
      const skipTables = (Object.values(orm.getMetadata().getAll()) as EntityMetadata[])
        .filter((m) => m.class && notOurs.has(m.class))
        .map((m) => m.tableName);
      orm.config.set('schemaGenerator', { ...orm.config.get('schemaGenerator'), skipTables });
      const generator = new SqlSchemaGenerator(orm.em as EntityManager);
      // Each pass's statements are run on the scratch database and the diff taken again, until nothing is
      // left: the migration is then known to run, and to reach the entities. (On SQLite the generator
      // writes only the new columns of a table that also has a changed one; the next pass rebuilds it.)
      const result: DialectDiff = { kind, up: [], down: [], notes: [] };
      for (let pass = 1; ; pass++) {
        const sql = await generator.getUpdateSchemaMigrationSQL({ wrap: false, safe: false, dropTables: true });
        const step = kind === 'sqlite' ? sqliteReview(statements(sql.up), statements(sql.down), orm) : { kind, up: statements(sql.up), down: statements(sql.down), notes: [] };
        if (!step.up.length) return result;
        if (pass > 5) throw new Error(`${kind}: the entities still differ after ${pass - 1} passes; left: ${step.up.join(' ')}`);
        for (const statement of step.up) {
          try {
            await orm.em.getConnection().execute(statement);
          } catch (e) {
            throw new Error(`${kind}: a generated statement fails on the scratch database (${(e as Error).message}): ${statement}`);
          }
        }
        result.up.push(...step.up);
        result.down.unshift(...step.down);
        result.notes.push(...step.notes);
      }
    } finally {
      await orm.close(true);
    }
  } finally {
    await scratch.drop();
  }
}

interface Scratch {
  url?: string;
  dataDir: string;
  drop(): Promise<void>;
}

function scratchSqlite(): Scratch {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-migration-'));
  return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** A database of its own (several runs, a test and a user say, may go on at once). */
async function scratchPg(server: string): Promise<Scratch> {
  const name = `ordo_migration_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'ordo-migration-'));
  return {
    url: server.replace(/\/[^/]*$/, `/${name}`),
    dataDir,
    drop: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The generator's SQL as single statements (one addSql each): split at semicolons outside quotes, since
 * SQLite's table rebuilds come back with two statements on one line.
 */
export function statements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === ';') {
      if (current.trim()) out.push(current.trim() + ';');
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push(current.trim() + ';');
  return out;
}

/**
 * SQLite changes a column's type, enum values or nullability by rebuilding its table. The generator
 * brackets each rebuild with `pragma foreign_keys = off/on`, which SQLite ignores inside a transaction,
 * and Ordo runs all pending migrations in one: they are left out, and a rebuild of a table other
 * tables refer to is pointed out, since dropping it then fails while those tables have rows.
 */
function sqliteReview(up: string[], down: string[], orm: MikroORM): DialectDiff {
  const isPragma = (s: string) => /^pragma foreign_keys = (on|off);$/i.test(s);
  const rebuilt = up.map((s) => /^alter table `(.+)__temp_alter` rename to/i.exec(s)?.[1]).filter((t): t is string => !!t);
  const metadata = Object.values(orm.getMetadata().getAll()) as EntityMetadata[];
  const notes = rebuilt.map((table) => {
    const referrers = metadata.filter((m) => m.tableName !== table && m.relations.some((r) => r.targetMeta?.tableName === table && (r.kind === 'm:1' || (r.kind === '1:1' && r.owner)))).map((m) => m.tableName);
    return referrers.length
      ? `rebuilds table ${table} (SQLite cannot alter the column in place); ${referrers.join(', ')} refer to it, so the rebuild fails on a database where they have rows: write this step by hand`
      : `rebuilds table ${table} (SQLite cannot alter the column in place)`;
  });
  return { kind: 'sqlite', up: up.filter((s) => !isPragma(s)), down: down.filter((s) => !isPragma(s)), notes };
}
