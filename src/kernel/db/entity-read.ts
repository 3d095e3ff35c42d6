// Rows read by plain SQL made into instances of their entity class, for code that only reads them (a
// message's template, the GraphQL read side's pages and loaders: plain-find.ts): what `em.map` gives,
// without the identity map, change tracking and relation wrappers, which cost more than the reads
// themselves (a fifth of a mail's CPU went to em.map's hydration and propagation). How each property is
// read is worked out once per ORM from its metadata: scalars converted as the ORM converts them (dates
// per dialect, JSON text parsed, SQLite's 0/1 booleans, numbers given as strings), an embeddable made
// into its class from its prefixed columns (null when it is nullable and every column is null), a
// many-to-one relation as a reference holding only its id unless the caller passes the loaded entity
// (its key itself when the relation is `mapToPk`). Collections are left out: an unloaded collection is
// of no use to a reader either. The instances belong to no EntityManager: changing one persists nothing.
import { JsonType, ReferenceKind, type EntityMetadata, type EntityProperty, type MetadataStorage } from '@mikro-orm/core';
import { dialectOf, type Dialect } from './dialect.js';
import type { SqlRunner } from './sql-runner.js';

type Read = (row: Record<string, unknown>, d: Dialect, loaded: Record<string, unknown>) => unknown;

interface Shape {
  proto: object;
  fields: { name: string; read: Read }[];
  /** The prototype of its instances (plainInstance's shadow), made on first use. */
  shadow?: object;
  /** The columns the fields read, quoted: what a statement selects instead of `*`. */
  columns: string[];
  /** Those columns as select lists, by table alias ('' for none), made once. */
  lists: Map<string, string>;
}

const shapes = new WeakMap<MetadataStorage, Map<string, Shape>>();

/**
 * The columns `readEntities` reads for `entityName`, as a select list (`alias.` before each): a statement
 * that names them, unlike `SELECT *`, can be prepared (kernel/db/pg-prepared.ts), and PostgreSQL planned a
 * mail's star selects anew each time, more of its CPU than running them.
 */
export function selectList(db: SqlRunner, entityName: string, alias?: string): string {
  const shape = shapeOf(db.getDriver().getMetadata(), entityName);
  let list = shape.lists.get(alias ?? '');
  if (list === undefined) shape.lists.set(alias ?? '', (list = shape.columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ')));
  return list;
}

/**
 * The rows of `entityName`'s table (the columns of `selectList`, or every column as `SELECT *` gives them) as instances of its class.
 * `loaded` gives, by property name, the entity a many-to-one relation points to when the caller has it
 * (the order's channel): the same for every row.
 */
export function readEntities<T extends object>(db: SqlRunner, entityName: string, rows: readonly Record<string, unknown>[], loaded: Record<string, unknown> = {}): T[] {
  const shape = shapeOf(db.getDriver().getMetadata(), entityName);
  const d = dialectOf(db);
  const fields = shape.fields;
  // The shadow made once per shape (the fields are always the same, in one order): no field object and
  // no lookup per row; a page of 20 orders is 20 rows of 45 fields each.
  const shadow = (shape.shadow ??= fixedShadow(shape.proto, fields.map((f) => f.name)));
  return rows.map((row) => {
    const o = Object.create(shadow) as Record<string, unknown>;
    for (let i = 0; i < fields.length; i++) o[fields[i].name] = fields[i].read(row, d, loaded);
    return o as T;
  });
}

/**
 * An instance of an entity class holding `fields` as its own data properties. Not assigned to an instance
 * of the class itself: that would go through the ORM's per-property prototype setters (change tracking
 * for managed entities; these are never managed). Not `Object.create(proto, descriptors)` either, which
 * made one descriptor object per field and left a slow dictionary-mode object (2 % of placeOrder's engine
 * CPU). The instance's prototype is a shadow of the class's (`shadowOf`): plain data properties by the
 * same names hide the setters, so assigning makes own properties, in one order, with one hidden class
 * for every instance of a shape. `instanceof` and the class's methods are as before.
 */
export function plainInstance<T extends object>(proto: T, fields: Record<string, unknown>): T {
  let names = '';
  for (const k in fields) names += `${k},`;
  const o = Object.create(shadowOf(proto, names, fields)) as Record<string, unknown>;
  for (const k in fields) o[k] = fields[k];
  return o as T;
}

/** Shadows by prototype, then by the fields' names in order (one shadow per shape of `fields`). */
const shadows = new WeakMap<object, Map<string, object>>();

/** The shadow of `proto` for the fields named `key` (`a,b,`): `names` lists them (or has them as its keys) when it is made. */
function shadowOf(proto: object, key: string, names: readonly string[] | Record<string, unknown>): object {
  let byNames = shadows.get(proto);
  if (!byNames) shadows.set(proto, (byNames = new Map()));
  let shadow = byNames.get(key);
  if (!shadow) {
    shadow = Object.create(proto) as object;
    // Never read: every instance of this shadow has its own property of each name. Not enumerable, so
    // for…in and the spread see the instance's own properties only, as before.
    for (const k of Array.isArray(names) ? names : Object.keys(names)) Object.defineProperty(shadow, k, { value: undefined, writable: true, enumerable: false, configurable: true });
    byNames.set(key, shadow);
  }
  return shadow;
}

/** The shadow for fields always named `names`, in that order (a shape's, an embeddable's, a reference's). */
const fixedShadow = (proto: object, names: readonly string[]): object => shadowOf(proto, names.map((n) => `${n},`).join(''), names);

function shapeOf(metadata: MetadataStorage, entityName: string): Shape {
  let byName = shapes.get(metadata);
  if (!byName) shapes.set(metadata, (byName = new Map()));
  let shape = byName.get(entityName);
  if (!shape) {
    const meta = metadata.get(entityName);
    shape = { proto: meta.class.prototype, fields: fieldsOf(metadata, meta), columns: columnsOf(meta), lists: new Map() };
    byName.set(entityName, shape);
  }
  return shape;
}

function fieldsOf(metadata: MetadataStorage, meta: EntityMetadata): Shape['fields'] {
  const fields: Shape['fields'] = [];
  for (const p of meta.props) {
    if (p.persist === false || p.embedded) continue; // an embeddable's own columns are read by the embeddable
    if (p.kind === ReferenceKind.SCALAR) fields.push({ name: p.name, read: scalar(p) });
    else if (p.kind === ReferenceKind.EMBEDDED) fields.push({ name: p.name, read: embeddable(meta, p) });
    else if (p.kind === ReferenceKind.MANY_TO_ONE || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner)) fields.push({ name: p.name, read: reference(metadata, p) });
  }
  return fields;
}

/** The columns of the properties `fieldsOf` reads: scalars, an embeddable's own columns, many-to-one (and owning one-to-one) keys. */
function columnsOf(meta: EntityMetadata): string[] {
  const columns: string[] = [];
  for (const p of meta.props) {
    if (p.persist === false) continue;
    const own = p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner);
    if (own) columns.push(...p.fieldNames.map((c) => `"${c}"`));
  }
  return columns;
}

function scalar(p: EntityProperty): Read {
  const column = p.fieldNames[0];
  const convert = converter(p);
  return (row, d) => {
    const v = row[column];
    return v === null || v === undefined ? null : convert(v, d);
  };
}

function converter(p: EntityProperty): (v: unknown, d: Dialect) => unknown {
  if (p.customType instanceof JsonType) return (v) => (typeof v === 'string' ? JSON.parse(v) : v);
  if (p.runtimeType === 'Date') return (v, d) => d.readDate(v as Date | number | string);
  if (p.runtimeType === 'boolean') return (v) => v === true || v === 1 || v === '1' || v === 't' || v === 'true';
  if (p.runtimeType === 'number') return (v) => (typeof v === 'number' ? v : Number(v));
  return (v) => v;
}

function embeddable(meta: EntityMetadata, p: EntityProperty): Read {
  const proto = (p.embeddable as { prototype: object }).prototype;
  const parts = meta.props.filter((c) => c.embedded?.[0] === p.name).map((c) => ({ name: c.embedded![1], column: c.fieldNames[0], convert: converter(c) }));
  const shadow = fixedShadow(proto, parts.map((c) => c.name));
  return (row, d) => {
    const o = Object.create(shadow) as Record<string, unknown>;
    let any = false;
    for (const c of parts) {
      const v = row[c.column];
      if (v !== null && v !== undefined) any = true;
      o[c.name] = v === null || v === undefined ? null : c.convert(v, d);
    }
    return !any && p.nullable ? null : o;
  };
}

function reference(metadata: MetadataStorage, p: EntityProperty): Read {
  const column = p.fieldNames[0];
  const target = metadata.get(p.type);
  const pk = target.primaryKeys[0];
  const shadow = fixedShadow(target.class.prototype, [pk]);
  return (row, _d, loaded) => {
    const id = row[column];
    if (id === null || id === undefined) return null;
    if (p.mapToPk) return id; // the property holds the key itself, as the ORM gives it
    const given = loaded[p.name] as Record<string, unknown> | undefined;
    if (given && given[pk] === id) return given;
    const ref = Object.create(shadow) as Record<string, unknown>;
    ref[pk] = id;
    return ref;
  };
}
