// The returns rollups' handlers (returns-rollup.entity.ts). A return counts on the local day it was
// requested (its row's createdAt), in its order's currency; units when it is received, money when it is
// refunded (or, for an exchange, when a price difference was refunded as it completed).
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import type { EventHandler } from '../kernel/module.js';
import { localDay } from './local-day.js';
import { zoneOf, field, increment, markOnceIf, rollupHandler, countWith, type RollupCount } from './operations-sql.js';
import { shareRefund } from './returns-refund-share.js';

const ROLLUP = 'returns';

/** The units of a shipment by SKU, on the local day it left: the return rate's denominator. */
const shippedUnits = (shipmentId: string): RollupCount => ({
  reads: [
    {
      sql: `SELECT ol.sku, sl.quantity, s.shipped_at, o.channel_id, c.time_zone FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id
       JOIN order_line ol ON ol.id = sl.order_line_id JOIN orders o ON o.id = s.order_id JOIN channel c ON c.id = o.channel_id WHERE sl.shipment_id = ? AND s.shipped_at IS NOT NULL ORDER BY ol.sku`,
      params: [shipmentId],
    },
    markOnceIf(shipmentId, 'SHIPPED_UNITS', 'SELECT 1 FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id WHERE sl.shipment_id = ? AND s.shipped_at IS NOT NULL', [shipmentId]),
  ],
  apply: async (tx, [rows, marked]) => {
    if (!rows.length || !marked.length) return;
    const day = localDay(dialectOf(tx).readDate(rows[0].shipped_at), zoneOf(rows[0]));
    for (const r of rows) await increment(tx, 'returns_shipped_day', { channel_id: r.channel_id, day, sku: r.sku }, { units: Number(r.quantity) });
  },
});

export interface ReturnLineRow {
  id: string;
  return_request_id: string;
  sku: string;
  reason: string;
  quantity_received: number;
  disposition: string | null;
  line_quantity: number;
  line_total: number;
}

/** What a return's received lines are worth: each one's share of its order line's total. */
export const lineWorth = (l: ReturnLineRow) => (Number(l.line_quantity) > 0 ? Math.round((Number(l.line_total) * Number(l.quantity_received)) / Number(l.line_quantity)) : 0);

export const RETURN_LINES = `SELECT rl.id, rl.return_request_id, ol.sku, rl.reason, rl.quantity_received, rl.disposition, ol.quantity AS line_quantity, ol.line_total
  FROM return_line rl JOIN order_line ol ON ol.id = rl.order_line_id`;

async function returnOf(tx: SqlRunner, returnId: string) {
  const [ret] = await tx.execute(
    `SELECT r.channel_id, r.created_at, r.refunded_amount, o.currency_code, c.time_zone FROM return_request r JOIN orders o ON o.id = r.order_id
      JOIN channel c ON c.id = r.channel_id WHERE r.id = ?`, [returnId]);
  if (!ret) return null;
  // In key order: two transactions adding to the same rows take their locks in the same order (no deadlock).
  const lines: ReturnLineRow[] = await tx.execute(`${RETURN_LINES} WHERE rl.return_request_id = ? AND rl.quantity_received > 0 ORDER BY ol.sku, rl.reason, rl.id`, [returnId]);
  const day = localDay(dialectOf(tx).readDate(ret.created_at), zoneOf(ret));
  const key = (l: ReturnLineRow) => ({ channel_id: ret.channel_id, day, sku: l.sku, reason: l.reason, currency_code: ret.currency_code });
  return { ret, lines, key };
}

async function received(tx: SqlRunner, returnId: string): Promise<void> {
  const r = await returnOf(tx, returnId);
  if (!r) return;
  for (const l of r.lines) {
    const units = Number(l.quantity_received);
    await increment(tx, 'returns_sku_day', r.key(l), { returned_units: units, restocked_units: l.disposition === 'RESTOCK' ? units : 0 });
  }
}

async function refunded(tx: SqlRunner, returnId: string): Promise<void> {
  const r = await returnOf(tx, returnId);
  const amount = Number(r?.ret.refunded_amount ?? 0);
  if (!r || amount <= 0) return;
  const parts = shareRefund(amount, r.lines.map((l) => ({ id: l.id, worth: lineWorth(l) })));
  for (const l of r.lines) await increment(tx, 'returns_sku_day', r.key(l), { refunds: parts.get(l.id) ?? 0 });
}

export const returnsHandlers: Record<string, EventHandler> = {
  'shipment.shipped': rollupHandler(ROLLUP, (e) => shippedUnits(field(e, 'shipmentId'))),
  'return.received': rollupHandler(ROLLUP, (e) => countWith((tx) => received(tx, field(e, 'returnId')))),
  'return.refunded': rollupHandler(ROLLUP, (e) => countWith((tx) => refunded(tx, field(e, 'returnId')))),
  // An exchange completes straight from RECEIVED; a refunded price difference is its refund.
  'return.completed': rollupHandler(ROLLUP, (e) => countWith(async (tx) => {
    if (field(e, 'from') === 'RECEIVED') await refunded(tx, field(e, 'returnId'));
  })),
};
