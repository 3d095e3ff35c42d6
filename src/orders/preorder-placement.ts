// Preorders at placement (docs/preorders.md): while a variant's release is ahead, all units of its line are
// preordered — counted against its limit by one conditional UPDATE in the order's transaction (refused
// beyond it with INSUFFICIENT_STOCK, reason PREORDER_LIMIT), nothing reserved — and wait like backordered
// units until fulfillment's `housekeeping.releasePreorders` releases them on the release date. Why all
// units and not only those beyond stock: a shop does not ship before the street date even with units in
// the warehouse, and taking no stock before the release keeps one queue (oldest preorder first) for it.
import { OrdoError } from '../kernel/errors.js';
import type { ReservationResult } from '../inventory/stock-ledger.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { isPreorder, takePreorderUnits } from '../catalog/preorder.js';
import { deliveredBy, shipsAt } from '../inventory/ship-calendar.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';
import type { DraftLine, VariantRow } from './order-draft.js';
import type { ProblemSink } from './order-problems.js';

/** Counts the line's units as preordered, or refuses the order when the limit does not allow them. */
export async function takePreorder(tx: SqlRunner, v: VariantRow, quantity: number, lineIndex: number | undefined): Promise<ReservationResult> {
  if (!(await takePreorderUnits(tx, v.id, quantity))) {
    const left = Math.max(0, (v.preorderLimit ?? 0) - v.preordered);
    throw new OrdoError('INSUFFICIENT_STOCK', `${v.sku} is sold as a preorder until ${new Date(v.releaseAt!).toISOString()} and its preorder limit is reached: at most ${left} more unit(s) can be preordered, ${quantity} were asked for.`,
      { sku: v.sku, reason: 'PREORDER_LIMIT', field: `input.lines[${lineIndex ?? 0}].quantity` });
  }
  return { allocations: [], missing: quantity };
}

/** The columns of a line of `v` at placement: a preorder line has all its units waiting for the release. */
export const preorderColumns = (v: VariantRow, quantity: number, now: number) =>
  isPreorder(v, now) ? { preorder: true, quantityPreordered: quantity } : { preorder: false, quantityPreordered: 0 };

/** The latest release date of the order's preordered lines (epoch ms), or null when none is preordered. */
export function latestRelease(lines: DraftLine[], now: number): number | null {
  const dates = lines.filter(({ v }) => isPreorder(v, now)).map(({ v }) => v.releaseAt!);
  return dates.length ? Math.max(...dates) : null;
}

/**
 * When a preordered order is expected: its latest release date, handed over by the preferred location
 * (the one the release's reservation takes from first) on its next ship day from then, plus the method's
 * transit days. Null when nothing is preordered. A plain estimate: the stock may arrive after the release.
 */
export function preorderDelivery(locations: StockLocation[], lines: DraftLine[], now: number, transitDays: number): Date | null {
  const release = latestRelease(lines, now);
  if (release === null) return null;
  const first = [...locations].sort((a, b) => a.priority - b.priority || a.code.localeCompare(b.code))[0];
  return deliveredBy(first ? shipsAt(first, release) : new Date(release), transitDays);
}

/** The placement's history note when units wait: preordered ones with their release date. */
export function waitingNote(lines: DraftLine[], backordered: number, now: number): string {
  const pre = lines.filter(({ v }) => isPreorder(v, now));
  const preordered = pre.reduce((n, l) => n + l.p.quantity, 0);
  if (!preordered) return `Payment authorized; ${backordered} unit(s) wait for stock.`;
  const what = pre.map(({ v, p }) => `${p.quantity} × ${v.sku} (release ${new Date(v.releaseAt!).toISOString().slice(0, 10)})`).join(', ');
  const rest = backordered - preordered;
  return `Payment authorized; preordered ${what}, captured when shipped${rest > 0 ? `; ${rest} more unit(s) wait for stock` : ''}.`;
}

/** quoteOrder's view of a preorder line: all its units preordered, a problem when the limit has fewer left. */
export function quotePreorder(v: VariantRow, quantity: number, path: string, sink: ProblemSink): number {
  const left = Math.max(0, (v.preorderLimit ?? 0) - v.preordered);
  if (quantity > left) {
    sink.add(path, 'INSUFFICIENT_STOCK', `${v.sku} is sold as a preorder and its preorder limit is reached: at most ${left} more unit(s) can be preordered, ${quantity} were asked for.`, { reason: 'PREORDER_LIMIT' });
  }
  return quantity;
}
