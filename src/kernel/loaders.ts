// Generic per-request loaders: every list or reference field of a page goes through one of these, so a
// page of 100 orders costs one statement per kind of thing, not one per order. Their rows are read-only
// instances read by plain SQL (kernel/db/plain-find.ts): field resolvers only read them.
import DataLoader from 'dataloader';
import type { EntityName } from '@mikro-orm/core';
import { loader, type OrdoContext } from './context.js';
import { findRows } from './db/plain-find.js';

/** Children grouped by a parent key: `Order.lines` is manyBy(ctx, OrderLine, 'order', l => l.order.id). */
export function manyBy<T extends object>(
  ctx: OrdoContext,
  entity: EntityName<T>,
  prop: string,
  keyOf: (row: T) => string,
  orderBy?: Record<string, 'asc' | 'desc'>,
): DataLoader<string, T[]> {
  return loader(ctx, `many:${String((entity as Function).name ?? entity)}:${prop}`, () =>
    new DataLoader<string, T[]>(async (keys) => {
      const rows = await findRows(ctx.em, entity, { [prop]: { $in: [...keys] } }, { orderBy });
      const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
      for (const r of rows) groups.get(keyOf(r))?.push(r);
      return keys.map((k) => groups.get(k)!);
    }),
  );
}

/** Rows by primary key (or another unique column). */
export function oneBy<T extends object>(ctx: OrdoContext, entity: EntityName<T>, prop = 'id'): DataLoader<string, T | null> {
  return loader(ctx, `one:${String((entity as Function).name ?? entity)}:${prop}`, () =>
    new DataLoader<string, T | null>(async (keys) => {
      const rows = await findRows(ctx.em, entity, { [prop]: { $in: [...keys] } });
      const byKey = new Map(rows.map((r) => [String((r as Record<string, unknown>)[prop]), r]));
      return keys.map((k) => byKey.get(k) ?? null);
    }),
  );
}
