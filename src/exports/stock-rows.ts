// Stock exports as CSV chunks, keyset-paginated as the orders are (order-rows.ts): stock levels by
// (sku, location id) — the order of `stockLevels`, by SKU — and ledger movements of a period by id
// (time-ordered). Each batch reads its own extras (units in transit to the location, units on open
// purchase orders, the order number of a movement) in one grouped statement.
import { marks, type SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { incomingBy } from '../procurement/incoming.js';
import { StockTransferStatus } from '../stock-control/stock-transfer.entity.js';
import { BATCH } from './order-rows.js';
import { header, raw, row, text } from './csv.js';

export const LEVEL_COLUMNS = ['location', 'sku', 'on_hand', 'reserved', 'available', 'in_transit_in', 'incoming'] as const;
export const MOVEMENT_COLUMNS = ['at', 'location', 'sku', 'kind', 'quantity', 'order_number', 'note'] as const;


async function locationCodes(db: SqlRunner): Promise<Map<string, string>> {
  return new Map((await db.execute('SELECT id, code FROM stock_location')).map((l: { id: string; code: string }) => [l.id, l.code]));
}

/** Units shipped by IN_TRANSIT transfers and not received, by `variant|destination`. */
async function inTransitBy(db: SqlRunner, variantIds: string[]): Promise<Map<string, number>> {
  const rows = await db.execute(
    `SELECT l.variant_id, t.to_location_id, SUM(l.shipped - l.received) AS n FROM stock_transfer_line l JOIN stock_transfer t ON t.id = l.transfer_id
     WHERE t.status = ? AND l.variant_id IN (${marks(variantIds.length)}) GROUP BY l.variant_id, t.to_location_id`,
    [StockTransferStatus.IN_TRANSIT, ...variantIds],
  );
  return new Map(rows.map((r: any) => [`${r.variant_id}|${r.to_location_id}`, Number(r.n)]));
}

export async function* stockLevelCsv(db: SqlRunner, f: { locationId?: string; sku?: string }): AsyncGenerator<string> {
  const locations = await locationCodes(db);
  yield header(LEVEL_COLUMNS);
  let cursor: { sku: string; locationId: string } | null = null;
  for (;;) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.locationId) { where.push('s.location_id = ?'); params.push(f.locationId); }
    if (f.sku) { where.push('s.sku = ?'); params.push(f.sku); }
    if (cursor) { where.push('(s.sku > ? OR (s.sku = ? AND s.location_id > ?))'); params.push(cursor.sku, cursor.sku, cursor.locationId); }
    const levels: any[] = await db.execute(
      `SELECT s.sku, s.variant_id, s.location_id, s.on_hand, s.reserved FROM stock_level s
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.sku, s.location_id LIMIT ${BATCH}`,
      params,
    );
    if (!levels.length) return;
    const variantIds = [...new Set(levels.map((l) => l.variant_id as string))];
    const [transit, incoming] = await Promise.all([inTransitBy(db, variantIds), incomingBy(db, variantIds)]);
    let out = '';
    for (const l of levels) {
      const onHand = Number(l.on_hand);
      const reserved = Number(l.reserved);
      out += row([
        text(locations.get(l.location_id) ?? ''), text(l.sku), raw(onHand), raw(reserved), raw(Math.max(0, onHand - reserved)),
        raw(transit.get(`${l.variant_id}|${l.location_id}`) ?? 0), raw(incoming.get(l.variant_id)?.get(l.location_id)?.quantity ?? 0),
      ]);
    }
    yield out;
    if (levels.length < BATCH) return;
    const last = levels[levels.length - 1];
    cursor = { sku: last.sku, locationId: last.location_id };
  }
}

export async function* stockMovementCsv(
  db: SqlRunner, f: { from: number; to: number; locationId?: string; sku?: string },
): AsyncGenerator<string> {
  const dialect = dialectOf(db);
  const locations = await locationCodes(db);
  yield header(MOVEMENT_COLUMNS);
  let cursor = '';
  for (;;) {
    const where = ['m.at >= ?', 'm.at < ?', 'm.id > ?'];
    const params: unknown[] = [dialect.date(new Date(f.from)), dialect.date(new Date(f.to)), cursor];
    if (f.locationId) { where.push('m.location_id = ?'); params.push(f.locationId); }
    if (f.sku) { where.push('m.sku = ?'); params.push(f.sku); }
    const moves: any[] = await db.execute(
      `SELECT m.id, m.at, m.location_id, m.sku, m.reason, m.delta, m.note, m.order_id FROM stock_movement m
       WHERE ${where.join(' AND ')} ORDER BY m.id LIMIT ${BATCH}`,
      params,
    );
    if (!moves.length) return;
    const orderIds = [...new Set(moves.map((m) => m.order_id as string | null).filter((id): id is string => !!id))];
    const numbers = new Map<string, string>(orderIds.length
      ? (await db.execute(`SELECT id, number FROM orders WHERE id IN (${marks(orderIds.length)})`, orderIds)).map((o: any) => [o.id, o.number])
      : []);
    let out = '';
    for (const m of moves) {
      out += row([
        raw(dialect.readDate(m.at).toISOString()), text(locations.get(m.location_id) ?? ''), text(m.sku), raw(m.reason), raw(Number(m.delta)),
        text(m.order_id ? numbers.get(m.order_id) ?? '' : ''), text(m.note),
      ]);
    }
    yield out;
    if (moves.length < BATCH) return;
    cursor = moves[moves.length - 1].id;
  }
}
