// Keyset pagination. Identifiers are time-ordered (kernel/ids.ts), so "newest first" is "id descending"
// and a cursor is just the last id seen, opaque to clients.
import type { EntityClass, EntityManager, FilterQuery } from '@mikro-orm/core';
import { badInput } from './errors.js';
import type { PageInfo } from './graphql-types.js';

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
  pageInfo: PageInfo;
  totalCount: number;
}

/** `rows` holds up to `size + 1` rows: the extra one only says that another page exists. */
export function toPage<T extends { id: string }>(rows: T[], size: number, totalCount: number, after?: string): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * A page of `entity` rows matching `where`, newest first: `first` rows after the cursor `after`, and the
 * count of all that match (one statement each, run side by side).
 */
export async function pageOf<T extends { id: string }>(
  em: EntityManager, entity: EntityClass<T>, where: FilterQuery<T>, first?: number | null, after?: string | null,
): Promise<Page<T>> {
  const size = pageSize(first);
  const cursor = decodeCursor(after);
  const [rows, total] = await Promise.all([
    em.find(entity, cursor ? ({ $and: [where, { id: { $lt: cursor } }] } as FilterQuery<T>) : where, { orderBy: { id: 'desc' } as never, limit: size + 1 }),
    em.count(entity, where),
  ]);
  return toPage(rows as T[], size, total, cursor);
}
