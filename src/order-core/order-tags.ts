// Staff's tags on an order: added and removed in the caller's transaction (under the order's lock, from
// withOrder), each change a history entry naming who made it (a staff member, or an automation rule).
import type { Em } from '../kernel/db/orm.js';
import { badInput } from '../kernel/errors.js';
import { normaliseTags } from '../customers/customer-tags.js';
import { addHistory } from './order-history.js';
import { OrderTag } from './order-tag.entity.js';

/** An order holds at most this many tags. */
export const MAX_ORDER_TAGS = 50;

/** The order's tags, sorted. */
export async function tagsOf(tx: Em, orderId: string): Promise<string[]> {
  const rows = await tx.find(OrderTag, { order: orderId }, { orderBy: { tag: 'asc' } });
  return rows.map((r) => r.tag);
}

/** Adds the tags the order lacks; answers those it added (none: nothing written). */
export async function tagOrderIn(tx: Em, order: { id: string }, tags: string[], actor: string, field = 'tags'): Promise<string[]> {
  const given = normaliseTags(tags, field);
  const have = await tagsOf(tx, order.id);
  const added = given.filter((t) => !have.includes(t));
  if (!added.length) return [];
  if (have.length + added.length > MAX_ORDER_TAGS) throw badInput(`An order holds at most ${MAX_ORDER_TAGS} tags.`, field);
  for (const tag of added) tx.persist(tx.create(OrderTag, { order: order.id, tag }));
  addHistory(tx, order, { type: 'TAGGED', message: `Tagged ${added.join(', ')}`, actor });
  return added;
}

/** Removes those of the tags the order has; answers those it removed. */
export async function untagOrderIn(tx: Em, order: { id: string }, tags: string[], actor: string, field = 'tags'): Promise<string[]> {
  const given = normaliseTags(tags, field);
  const have = await tagsOf(tx, order.id);
  const removed = given.filter((t) => have.includes(t));
  if (!removed.length) return [];
  await tx.nativeDelete(OrderTag, { order: order.id, tag: { $in: removed } });
  addHistory(tx, order, { type: 'UNTAGGED', message: `Untagged ${removed.join(', ')}`, actor });
  return removed;
}
