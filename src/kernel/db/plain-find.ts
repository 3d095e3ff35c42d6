// Reads of whole rows for the GraphQL read side (pages, per-request loaders) by plain SQL, made into
// read-only instances of their entity class (entity-read.ts) instead of managed entities. A page of 20
// orders spent two thirds of its engine CPU in em.find: its query building, hydration, reference wrappers
// and identity map, and the garbage they leave. The filters those reads use are simple: equality,
// IN lists, ranges, AND/OR of those on the entity's own columns. `plainWhere` turns such a filter into
// SQL; anything else (a nested relation filter, a subquery, an embeddable's field) gives null, and the
// caller reads it with the ORM as before. The instances belong to no EntityManager: what reads them may
// not change and flush them (a field resolver reads; a mutation loads what it changes with the ORM).
import { ReferenceKind, Utils, type EntityMetadata, type EntityName, type FilterQuery, type EntityProperty } from '@mikro-orm/core';
import { dialectOf, type Dialect } from './dialect.js';
import type { Em } from './orm.js';
import { plainRead } from './plain-transaction.js';
import { readEntities, selectList } from './entity-read.js';

export interface PlainFindOptions {
  orderBy?: Record<string, unknown>;
  limit?: number;
  /** 'read': the read replica when there is one (DATABASE_READ_URL) and no transaction is open. */
  connectionType?: 'read' | 'write';
}

interface Sql {
  sql: string;
  params: unknown[];
}

const PLAIN_TYPES = new Set(['string', 'number', 'boolean', 'Date']);
const OPS: Record<string, string> = { $eq: '=', $ne: '<>', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

/**
 * The rows of `entity` matching `where` as read-only instances, or null when `where` (or `orderBy`) is not
 * one plain SQL here knows: the caller then reads with the ORM.
 */
export async function plainFind<T extends object>(em: Em, entity: EntityName<T>, where: object, options: PlainFindOptions = {}): Promise<T[] | null> {
  const meta = em.getMetadata().find(Utils.className(entity));
  if (!meta) return null;
  const d = dialectOf(em);
  const filter = plainWhere(meta, where, d);
  const order = filter && orderSql(meta, options.orderBy);
  if (!filter || order === null) return null;
  const limit = options.limit === undefined ? '' : ` LIMIT ${Math.trunc(options.limit)}`;
  const sql = `SELECT ${selectList(em, meta.className)} FROM "${meta.tableName}"${filter.sql ? ` WHERE ${filter.sql}` : ''}${order}${limit}`;
  return readEntities<T>(em, meta.className, await run(em, sql, filter.params, options.connectionType));
}

/** plainFind's rows, or the ORM's (managed) rows with the same options when plain SQL does not know the filter. */
export async function findRows<T extends object>(em: Em, entity: EntityName<T>, where: object, options: PlainFindOptions = {}): Promise<T[]> {
  const { orderBy, limit, connectionType } = options;
  return (await plainFind(em, entity, where, options)) ?? em.find(entity, where as FilterQuery<T>, { orderBy: orderBy as never, limit, connectionType });
}

/** The first row findRows reads, or null. */
export async function plainFindOne<T extends object>(em: Em, entity: EntityName<T>, where: object): Promise<T | null> {
  return (await findRows(em, entity, where, { limit: 1 }))[0] ?? null;
}

/** How many rows of `entity` match `where`, or null when plainFind would not read it. */
export async function plainCount(em: Em, entity: EntityName<any>, where: object, connectionType?: 'read' | 'write'): Promise<number | null> {
  const meta = em.getMetadata().find(Utils.className(entity));
  const filter = meta && plainWhere(meta, where, dialectOf(em));
  if (!meta || !filter) return null;
  const [row] = await run(em, `SELECT COUNT(*) AS n FROM "${meta.tableName}"${filter.sql ? ` WHERE ${filter.sql}` : ''}`, filter.params, connectionType);
  return Number(row.n);
}

/** plainCount, or the ORM's count when plain SQL does not know the filter. */
export async function countRows(em: Em, entity: EntityName<any>, where: object, connectionType?: 'read' | 'write'): Promise<number> {
  return (await plainCount(em, entity, where, connectionType)) ?? em.count(entity, where as never, { connectionType });
}

/**
 * On the replica (a read that may lag, outside a transaction, when there is one) through its ORM
 * connection; otherwise as plainRead runs it: in the caller's transaction, or on PostgreSQL a prepared
 * statement in a round trip shared with what the same turn of the event loop sends.
 */
function run(em: Em, sql: string, params: unknown[], connectionType?: 'read' | 'write'): Promise<any[]> {
  if (connectionType === 'read' && !em.isInTransaction()) {
    const driver = em.getDriver();
    const replica = driver.getConnection('read');
    if (replica !== driver.getConnection('write')) return replica.execute(sql, params, 'all');
  }
  return plainRead(em, sql, params);
}

/** `where` as SQL on the entity's table, `{ sql: '' }` for no condition; null for a filter it does not know. */
export function plainWhere(meta: EntityMetadata, where: object, d: Dialect): Sql | null {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    let part: Sql | null;
    if (key === '$and' || key === '$or') part = group(meta, value, d, key === '$and' ? ' AND ' : ' OR ');
    else part = condition(meta.properties[key], value, d);
    if (!part) return null;
    parts.push(part.sql);
    params.push(...part.params);
  }
  return { sql: parts.join(' AND '), params };
}

function group(meta: EntityMetadata, list: unknown, d: Dialect, join: string): Sql | null {
  if (!Array.isArray(list) || !list.length) return null;
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const item of list) {
    const part = item && typeof item === 'object' ? plainWhere(meta, item, d) : null;
    if (!part) return null;
    parts.push(part.sql ? `(${part.sql})` : '1 = 1');
    params.push(...part.params);
  }
  return { sql: `(${parts.join(join)})`, params };
}

/** One property's condition: a value, null, or an object of operators ($in, $eq, $ne, $gt, $gte, $lt, $lte). */
function condition(p: EntityProperty | undefined, value: unknown, d: Dialect): Sql | null {
  const column = columnOf(p);
  if (!column || !p) return null;
  if (value === null) return { sql: `${column} IS NULL`, params: [] };
  if (typeof value !== 'object' || value instanceof Date || Object.getPrototypeOf(value) !== Object.prototype) {
    const v = param(p, value, d);
    return v === undefined ? null : { sql: `${column} = ?`, params: [v] };
  }
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [op, operand] of Object.entries(value)) {
    if (op === '$in') {
      if (!Array.isArray(operand)) return null;
      if (!operand.length) { parts.push('1 = 0'); continue; }
      const values = operand.map((o) => param(p, o, d));
      if (values.some((v) => v === undefined || v === null)) return null;
      parts.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    } else if (OPS[op]) {
      if (operand === null && (op === '$eq' || op === '$ne')) { parts.push(`${column} IS ${op === '$ne' ? 'NOT ' : ''}NULL`); continue; }
      const v = param(p, operand, d);
      if (v === undefined || v === null) return null;
      parts.push(`${column} ${OPS[op]} ?`);
      params.push(v);
    } else return null;
  }
  return parts.length ? { sql: parts.join(' AND '), params } : null;
}

/** The property's one column, quoted, when it is the entity's own scalar or many-to-one key. */
function columnOf(p: EntityProperty | undefined): string | null {
  if (!p || p.persist === false || p.embedded || p.fieldNames?.length !== 1) return null;
  const own = p.kind === ReferenceKind.SCALAR || p.kind === ReferenceKind.MANY_TO_ONE || (p.kind === ReferenceKind.ONE_TO_ONE && p.owner);
  if (!own || (p.kind === ReferenceKind.SCALAR && !PLAIN_TYPES.has(p.runtimeType))) return null; // JSON, arrays: the ORM's own SQL
  return `"${p.fieldNames[0]}"`;
}

/** A value as a statement parameter, stored as the ORM stores it; undefined when it is not a plain value. */
function param(p: EntityProperty, v: unknown, d: Dialect): unknown {
  if (p.runtimeType === 'Date') return v instanceof Date ? d.date(v) : v === null ? null : undefined; // a string date: the ORM converts it
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return d.name === 'sqlite' ? Number(v) : v;
  if (v instanceof Date) return d.date(v);
  // A relation given as an entity (or a reference to one): its primary key.
  if (p.kind !== ReferenceKind.SCALAR && typeof v === 'object' && Object.getPrototypeOf(v) !== Object.prototype) {
    const id = (v as Record<string, unknown>)[p.referencedPKs?.[0] ?? 'id'];
    return typeof id === 'string' || typeof id === 'number' ? id : undefined;
  }
  return undefined;
}

/** ` ORDER BY …` for `{ property: 'asc' | 'desc' }`, '' for none; null for an order it does not know. */
function orderSql(meta: EntityMetadata, orderBy: Record<string, unknown> | undefined): string | null {
  if (!orderBy) return '';
  const parts: string[] = [];
  for (const [key, dir] of Object.entries(orderBy)) {
    const column = columnOf(meta.properties[key]);
    const way = typeof dir === 'string' ? dir.toLowerCase() : '';
    if (!column || (way !== 'asc' && way !== 'desc')) return null;
    parts.push(`${column} ${way.toUpperCase()}`);
  }
  return parts.length ? ` ORDER BY ${parts.join(', ')}` : '';
}
