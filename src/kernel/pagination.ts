// Keyset pagination. Identifiers are time-ordered (kernel/ids.ts), so "newest first" is "id descending"
// and a cursor is just the last id seen, opaque to clients.
import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';
import { badInput } from './errors.js';
import type { PageInfo } from './graphql-types.js';
import type { Em } from './db/orm.js';
import { countRows, findRows } from './db/plain-find.js';

export const MAX_PAGE = 100;

export function pageSize(first: number | undefined | null, fallback = 20): number {
  if (first === undefined || first === null) return fallback;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw badInput(`first must be between 0 and ${MAX_PAGE}.`, 'first');
  return first;
}

export const encodeCursor = (id: string) => Buffer.from(`c:${id}`).toString('base64url');

export function decodeCursor(cursor: string | undefined | null): string | undefined {
  if (!cursor) return undefined;
  const raw = Buffer.from(cursor, 'base64url').toString();
  if (!raw.startsWith('c:') || raw.length < 4) throw badInput('after is not a cursor this API gave out.', 'after');
  return raw.slice(2);
}

export interface Page<T extends { id: string }> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  /** A page of `first: 0` (only totalCount wanted) looks for a next row only when pageInfo is read. */
  pageInfo: PageInfo | Promise<PageInfo>;
  /** A number, or (pageOf) a promise of it made only when the field is read: a page that does not ask for it counts nothing. */
  totalCount: number | Promise<number>;
}

/**
 * `rows` holds up to `size + 1` rows: the extra one only says that another page exists. `totalCount` may be
 * a function: it is called the first time the page's totalCount is read (GraphQL reads it only when asked).
 */
export function toPage<T extends { id: string }>(rows: T[], size: number, totalCount: number | (() => Promise<number>), after?: string): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  const page: Omit<Page<T>, 'totalCount'> = {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
  if (typeof totalCount !== 'function') return { ...page, totalCount };
  let counted: Promise<number> | undefined;
  return Object.defineProperty(page, 'totalCount', { enumerable: true, get: () => (counted ??= totalCount()) }) as Page<T>;
}

/**
 * A page of `entity` rows matching `where`, newest first: `first` rows after the cursor `after` (keyset on
 * the id, which an index on the filter's equality columns followed by `id` answers in order), and the count
 * of all that match, counted only when totalCount is asked for.
 */
export async function pageOf<T extends { id: string }>(
  em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>, first?: number | null, after?: string | null, read: PageRead = {},
): Promise<Page<T>> {
  const size = pageSize(first);
  const cursor = decodeCursor(after);
  const rows = () => newestFirst(em, entity, cursor ? ({ $and: [where, { id: { $lt: cursor } }] } as FilterQuery<T>) : where, size + 1, read);
  const count = () => countOf(em, entity, where, read);
  if (size === 0) return emptyPage(async () => (await rows()).length > 0, count, cursor);
  return toPage((await rows()) as T[], size, count, cursor);
}

/**
 * A page of `first: 0`: no rows. Whether another page exists (a row matches) is asked of the database only
 * when pageInfo is read: a request for totalCount alone costs the count and nothing else (on a big table,
 * finding the newest row of a past date range walks the index as far as the page would).
 */
function emptyPage<T extends { id: string }>(anyRow: () => Promise<boolean>, totalCount: () => Promise<number>, after?: string): Page<T> {
  const page = toPage<T>([], 0, totalCount, after);
  let info: Promise<PageInfo> | undefined;
  return Object.defineProperty(page, 'pageInfo', {
    enumerable: true,
    get: () => (info ??= anyRow().then((more) => ({ hasNextPage: more, hasPreviousPage: after !== undefined, startCursor: null, endCursor: null }))),
  });
}

/** Where a page and its count are read: `FROM_REPLICA` (kernel/db/orm.ts) for a list that may lag the primary. */
export interface PageRead {
  connectionType?: 'read' | 'write';
}

/**
 * pageOf for a filter that is a union of disjoint `branches` (`status IN (a, b)` as `status = a`, `status = b`):
 * each branch is read newest first with the page's limit, side by side, and the branches are merged by id.
 * The rows are the same as one statement with the IN list would give; but each branch is an ordered scan of
 * an index on (column, id), where PostgreSQL (before 17) sorts every row of an IN list to find the newest.
 * `where` (the whole filter) is what totalCount counts.
 */
export async function pageOfBranches<T extends { id: string }>(
  em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>, branches: FilterQuery<T>[], first?: number | null, after?: string | null,
  read: PageRead = {},
): Promise<Page<T>> {
  if (branches.length < 2) return pageOf(em, entity, branches[0] ?? where, first, after, read);
  const size = pageSize(first);
  const cursor = decodeCursor(after);
  if (size === 0) return pageOf(em, entity, where, 0, after, read); // one row of the whole filter says whether there is more
  const parts = await Promise.all(branches.map((b) =>
    newestFirst(em, entity, cursor ? ({ $and: [b, { id: { $lt: cursor } }] } as FilterQuery<T>) : b, size + 1, read)));
  const rows = (parts.flat() as T[]).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, size + 1);
  return toPage(rows, size, () => countOf(em, entity, where, read), cursor);
}

/**
 * Up to `limit` rows, newest first: read-only instances by plain SQL (kernel/db/plain-find.ts) when the
 * filter is a plain one, else the ORM's managed entities. A page is only read (its field resolvers read).
 */
function newestFirst<T extends object>(em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>, limit: number, read: PageRead): Promise<T[]> {
  return findRows(em as Em, entity, where, { orderBy: { id: 'desc' }, limit, ...read });
}

function countOf<T extends object>(em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>, read: PageRead): Promise<number> {
  return countRows(em as Em, entity, where, read.connectionType);
}
