// Plain INSERT rows for an entity, with its columns read from the ORM's metadata: hot paths that skip
// the unit of work (placeOrder's inserts) write every column the entity has, so a column added to an
// entity cannot be left out of them. The caller says, once, how each property's value is read from
// its own row type (`fill`); the columns, their order and their conversions (datetimes per dialect,
// JSON as text) are worked out once per ORM, when first used. A column the fill does not cover (one
// added to the entity later) stops that first use with its name, nullable or not: whoever adds a column
// decides what the hot path writes into it, if only `() => null`.
import { JsonType, ReferenceKind, type EntityMetadata, type EntityProperty, type MetadataStorage } from '@mikro-orm/core';
import type { Dialect, TableRows } from './dialect.js';
import type { SqlRunner } from './sql-runner.js';

/**
 * How a row's properties are read, by entity property name: scalars as the entity holds them (Date,
 * objects for JSON), relations by id, a flattened embeddable as its object (its fields become columns).
 * `ctx` is what the rows share (the order they belong to).
 */
export type RowFill<R, C> = Record<string, (row: R, ctx: C) => unknown>;

const PLAIN = 0;
const DATE = 1;
const JSON_TEXT = 2;

interface Column {
  name: string;
  /** `Entity.property` (or `Entity.embedded.field`): errors name it. */
  label: string;
  read: (row: any, ctx: any) => unknown;
  convert: typeof PLAIN | typeof DATE | typeof JSON_TEXT;
  nullable: boolean;
}

/** An entity's plain rows as `fill` reads them; each ORM's columns are worked out on first use. */
export class PlainRows<R, C> {
  private readonly shapes = new WeakMap<MetadataStorage, { table: string; columns: readonly string[]; json: readonly boolean[]; cells: Column[] }>();

  constructor(
    private readonly entityName: string,
    private readonly fill: RowFill<R, C>,
  ) {}

  /** The rows of `rows` for the database `db` runs on, for Dialect.insertStatements. */
  rows(db: SqlRunner, dialect: Dialect, rows: readonly R[], ctx: C): TableRows {
    const shape = this.shapeFor(db.getDriver().getMetadata());
    const out: unknown[][] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const cells = shape.cells;
      const values = new Array<unknown>(cells.length);
      for (let i = 0; i < cells.length; i++) {
        const c = cells[i];
        const v = c.read(row, ctx);
        if (v === undefined || v === null) {
          if (!c.nullable) throw new Error(`${c.label} (${shape.table}.${c.name}) is NOT NULL but the plain insert gave no value`);
          values[i] = null;
        } else if (c.convert === DATE) values[i] = dialect.date(v as Date);
        else if (c.convert === JSON_TEXT) values[i] = JSON.stringify(v);
        else values[i] = v;
      }
      out[r] = values;
    }
    return { table: shape.table, columns: shape.columns, json: shape.json, rows: out };
  }

  private shapeFor(metadata: MetadataStorage) {
    let shape = this.shapes.get(metadata);
    if (!shape) {
      const meta = metadata.get(this.entityName);
      const cells = columnsOf(meta, this.fill);
      shape = { table: meta.tableName, columns: cells.map((c) => c.name), json: cells.map((c) => c.convert === JSON_TEXT), cells };
      this.shapes.set(metadata, shape);
    }
    return shape;
  }
}

/** Every column of the entity with how it is read; a fill entry that names no property is a mistake too. */
function columnsOf<R, C>(meta: EntityMetadata, fill: RowFill<R, C>): Column[] {
  const used = new Set<string>();
  const given = (k: string): Column['read'] | undefined => (Object.hasOwn(fill, k) ? fill[k] : undefined);
  const cells: Column[] = [];
  const missing: string[] = [];
  for (const p of meta.props) {
    const kind = columnKind(p);
    if (kind === null) continue;
    if (p.fieldNames.length !== 1) throw new Error(`${meta.className}.${p.name} has ${p.fieldNames.length} columns: plain rows take one column per property`);
    let label: string;
    let read: Column['read'] | undefined;
    if (p.embedded) {
      const [parent, field] = p.embedded as unknown as [string, string];
      if ((meta.properties as Record<string, EntityProperty>)[parent]?.embedded) throw new Error(`${meta.className}.${parent}: plain rows take one level of embedding`);
      label = `${meta.className}.${parent}.${field}`;
      const object = given(parent);
      if (object) {
        used.add(parent);
        read = (row, ctx) => (object(row, ctx) as Record<string, unknown> | null | undefined)?.[field];
      }
    } else {
      label = `${meta.className}.${p.name}`;
      read = given(p.name);
      if (read) used.add(p.name);
    }
    if (!read) missing.push(label);
    else cells.push({ name: p.fieldNames[0], label, read, convert: kind, nullable: !!p.nullable });
  }
  if (missing.length) throw new Error(`The plain insert of ${meta.className} has no value for ${missing.join(', ')}: add ${missing.length > 1 ? 'them' : 'it'} to its fill`);
  const unknown = Object.keys(fill).filter((k) => !used.has(k));
  if (unknown.length) throw new Error(`The plain insert of ${meta.className} fills ${unknown.join(', ')}, which the entity has no column for`);
  return cells;
}

/** How a property's value goes into its column, or null when it has no column of its own. */
function columnKind(p: EntityProperty): Column['convert'] | null {
  if (p.persist === false || p.formula || !p.fieldNames?.length) return null;
  if (p.primary && p.autoincrement) return null; // the database numbers it
  switch (p.kind) {
    case ReferenceKind.MANY_TO_ONE:
      return PLAIN;
    case ReferenceKind.ONE_TO_ONE:
      return p.owner ? PLAIN : null;
    case ReferenceKind.EMBEDDED:
      // A flattened embeddable's fields are columns of their own (listed as props too); an object one is JSON.
      return p.object ? JSON_TEXT : null;
    case ReferenceKind.SCALAR:
      return p.customType instanceof JsonType || p.type === 'json' ? JSON_TEXT : p.runtimeType === 'Date' ? DATE : PLAIN;
    default:
      return null;
  }
}

/**
 * Tables given more than once (rows of several orders, each with its own context) as one TableRows each,
 * in the order they first appear: one INSERT per table for a batch.
 */
export function mergeTables(tables: readonly TableRows[]): TableRows[] {
  const out = new Map<string, TableRows>();
  for (const t of tables) {
    const key = `${t.table}|${t.columns.join(',')}`;
    const seen = out.get(key);
    if (seen) seen.rows.push(...t.rows);
    else out.set(key, { table: t.table, columns: t.columns, json: t.json, rows: [...t.rows] });
  }
  return [...out.values()];
}
