// Ending a hold, each way by one conditional UPDATE on its row (status ACTIVE → something else): whoever
// changes the status first gets the units, so an order taking the hold, the buyer releasing it and the
// sweeper expiring it can race without two of them both using (or both giving back) the same units. The
// units go back through the stock ledger in the same transaction as the status change.
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrdoError } from '../kernel/errors.js';
import { release, type Allocation } from '../inventory/stock-ledger.js';
import type { CheckoutHoldLine } from './checkout-hold.entity.js';

/** SQLite answers a JSON column as text, PostgreSQL (jsonb) as the value. */
export const linesOf = (v: unknown): CheckoutHoldLine[] => (typeof v === 'string' ? JSON.parse(v) : v) as CheckoutHoldLine[];

/** Gives every held unit of `lines` back (reserved down, on sale again). */
export async function releaseLines(tx: SqlRunner, lines: CheckoutHoldLine[]): Promise<void> {
  for (const l of lines) if (l.allocations.length) await release(tx, l.variantId, l.allocations);
}

const END = (to: 'EXPIRED' | 'RELEASED', expiry: string) =>
  `UPDATE checkout_hold SET status = '${to}', ended_at = ? WHERE id = ? AND status = 'ACTIVE'${expiry} RETURNING channel_id, lines`;
const EXPIRE = END('EXPIRED', ' AND expires_at <= ?');
const RELEASE = END('RELEASED', '');

/**
 * Expires one hold whose time ran out (the sweeper, or an order that came too late), its units given
 * back. Its lines and channel, or null when it is not an ACTIVE hold past its expiry (any more).
 */
export async function expireHold(tx: SqlRunner, holdId: string, now = new Date()): Promise<{ channelId: string; lines: CheckoutHoldLine[] } | null> {
  const d = dialectOf(tx).date(now);
  const [row] = await tx.execute(EXPIRE, [d, holdId, d]);
  if (!row) return null;
  const lines = linesOf(row.lines);
  await releaseLines(tx, lines);
  return { channelId: row.channel_id, lines };
}

/** The buyer gives a hold up (at any time while ACTIVE), its units given back. Null when it was not ACTIVE. */
export async function releaseHold(tx: SqlRunner, holdId: string, now = new Date()): Promise<{ channelId: string; lines: CheckoutHoldLine[] } | null> {
  const [row] = await tx.execute(RELEASE, [dialectOf(tx).date(now), holdId]);
  if (!row) return null;
  const lines = linesOf(row.lines);
  await releaseLines(tx, lines);
  return { channelId: row.channel_id, lines };
}

const CLAIM = `UPDATE checkout_hold SET status = 'CONSUMED', order_id = ?, ended_at = ?
WHERE id = ? AND channel_id = ? AND status = 'ACTIVE' AND expires_at > ? RETURNING lines`;

/**
 * placeOrder's first step with `input.holdId`, in the order's transaction: the hold becomes the order's
 * (CONSUMED, its orderId set) and its units are answered per variant, for `reserveLine`'s `held`. A hold
 * of another channel is NOT_FOUND, as an unknown one is. A hold past its expiry (swept or not) yields
 * nothing, its units given back first: the order then reserves as any other and may be refused for stock
 * (the same answer whether or not the sweeper came first). A consumed or released hold is CONFLICT. If
 * the order is refused later, the transaction rolls back and the hold is ACTIVE again.
 */
export async function claimHold(tx: SqlRunner, holdId: string, channelId: string, orderId: string): Promise<Map<string, Allocation[]>> {
  const now = new Date();
  const d = dialectOf(tx).date(now);
  const [claimed] = await tx.execute(CLAIM, [orderId, d, holdId, channelId, d]);
  if (claimed) return new Map(linesOf(claimed.lines).map((l) => [l.variantId, l.allocations]));

  const [found] = await tx.execute('SELECT status, channel_id FROM checkout_hold WHERE id = ?', [holdId]);
  const field = { field: 'input.holdId' };
  if (!found || found.channel_id !== channelId) throw new OrdoError('NOT_FOUND', 'There is no checkout hold with this id on this channel.', field);
  let status = found.status as string | undefined;
  if (status === 'ACTIVE') {
    if (await expireHold(tx, holdId, now)) return new Map();
    // Another transaction ended it between our reads (the sweeper, the buyer, another order): as it is now.
    status = (await tx.execute('SELECT status FROM checkout_hold WHERE id = ?', [holdId]))[0]?.status;
  }
  switch (status) {
    case 'EXPIRED': return new Map();
    case 'CONSUMED': throw new OrdoError('CONFLICT', 'This checkout hold was used for an order already: hold the cart again, or place the order without holdId.', field);
    case 'RELEASED': throw new OrdoError('CONFLICT', 'This checkout hold was released: hold the cart again, or place the order without holdId.', field);
    default: throw new OrdoError('CONFLICT', 'This checkout hold changed while the order was placed: try again.', field);
  }
}

/** Units of a claimed hold whose SKU the order does not have: back on sale (reserveLine gives back the surplus of the others). */
export async function releaseUnordered(tx: SqlRunner, held: Map<string, Allocation[]>, orderedVariantIds: Iterable<string>): Promise<void> {
  const ordered = new Set(orderedVariantIds);
  for (const [variantId, allocations] of held) if (!ordered.has(variantId) && allocations.length) await release(tx, variantId, allocations);
}
