// The stock ledger: the only code that writes `stock_level` and `stock_movement` (a test scans the
// sources for any other writer). Every change is one conditional statement that the database checks
// and applies at once (never read-modify-write in JavaScript, no application lock), run in the caller's
// transaction, and every change of onHand writes its movement row in the same transaction, so the
// movements of a SKU at a location always add up to its onHand.
//
//   reserve / release        reserved only (what orders hold); no movement
//   shipOut                  onHand and reserved together (units leave with a shipment): SHIPPED
//   receive / remove         onHand up (the level is created when missing) / down, never below reserved
//   restock                  a return's units back on hand: RETURNED
//   count                    onHand set to what was counted (never below reserved): COUNT, by the difference
//   transferOut / transferIn units leaving one location and arriving at another
//   ensureLevel              a level of 0 where units are on their way (a transfer), so it can show them; no movement
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner, Statement } from '../kernel/db/sql-runner.js';
import { OrdoError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { PlainRows } from '../kernel/db/entity-rows.js';
import type { Dialect, TableRows } from '../kernel/db/dialect.js';
import { StockMovement, StockMovementReason } from './stock-movement.entity.js';

export interface Allocation {
  locationId: string;
  quantity: number;
}

export interface ReservationResult {
  allocations: Allocation[];
  /** Units no location could give (0 unless the line may be backordered). */
  missing: number;
  /** The value of `alsoSql` (see reserve), when it was given and the whole line came from one location. */
  also?: unknown;
}

/** One SKU at one location, as the movements name it. */
export interface StockPlace {
  variantId: string;
  sku: string;
  locationId: string;
}

export interface MovementNote {
  note?: string | null;
  orderId?: string | null;
}

const FROM_BEST_LOCATION = `
UPDATE stock_level SET reserved = reserved + ?
WHERE id = (
  SELECT sl.id FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id
  WHERE sl.variant_id = ? AND l.active = true AND sl.on_hand - sl.reserved >= ?
  ORDER BY l.priority, l.code LIMIT 1)
AND on_hand - reserved >= ?
RETURNING location_id`;

/**
 * `reserve`'s first statement for a variant named by an SQL subquery instead of its id (PostgreSQL: the
 * body of a data-modifying CTE). placeOrder reads a one-line order's variant and reserves its line in one
 * statement this way. Parameters: the quantity, the subquery's own, the quantity twice. It takes the whole
 * line from the preferred location or nothing: when it took nothing, `reserve` does the rest as usual.
 */
export const reserveWholeOfSql = (variantIdSql: string): string => FROM_BEST_LOCATION.replace('sl.variant_id = ?', `sl.variant_id = (${variantIdSql})`);

const CANDIDATES = `
SELECT sl.id, sl.location_id, sl.on_hand - sl.reserved AS available
FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id
WHERE sl.variant_id = ? AND l.active = true AND sl.on_hand - sl.reserved > 0
ORDER BY l.priority, l.code`;

const TAKE = 'UPDATE stock_level SET reserved = reserved + ? WHERE id = ? AND on_hand - reserved >= ? RETURNING location_id';

/**
 * Reserves `quantity` units of a variant: from the preferred location that can fill the whole line (one
 * statement), else split over locations in priority order. `alsoSql` (PostgreSQL only, no placeholders)
 * is evaluated in that one statement if, and only if, it takes the whole line: placeOrder numbers the
 * order this way without a round trip of its own.
 */
export async function reserve(db: SqlRunner, variantId: string, quantity: number, alsoSql?: string | null): Promise<ReservationResult> {
  const sql = alsoSql ? `WITH taken AS (${FROM_BEST_LOCATION}) SELECT location_id, ${alsoSql} AS also_value FROM taken` : FROM_BEST_LOCATION;
  const whole = await db.execute(sql, [quantity, variantId, quantity, quantity]);
  if (whole.length === 1) {
    const r: ReservationResult = { allocations: [{ locationId: whole[0].location_id, quantity }], missing: 0 };
    if (alsoSql) r.also = whole[0].also_value;
    return r;
  }

  return splitOverLocations(db, quantity, CANDIDATES, [variantId]);
}

/** Takes `quantity` units from the candidate levels in priority order, split where one does not have them all. */
async function splitOverLocations(
  db: SqlRunner, quantity: number, candidatesSql: string, params: unknown[], order: (rows: any[]) => any[] = (rows) => rows,
): Promise<ReservationResult> {
  const taken = new Map<string, number>();
  let remaining = quantity;
  // Another order may take units between our read and our update: read again, a bounded number of times.
  for (let round = 0; round < 3 && remaining > 0; round++) {
    const candidates = order(await db.execute(candidatesSql, params));
    if (!candidates.length) break;
    for (const c of candidates) {
      if (remaining === 0) break;
      const take = Math.min(remaining, Number(c.available));
      const done = await db.execute(TAKE, [take, c.id, take]);
      if (done.length === 1) {
        taken.set(c.location_id, (taken.get(c.location_id) ?? 0) + take);
        remaining -= take;
      }
    }
  }
  return { allocations: [...taken].map(([locationId, q]) => ({ locationId, quantity: q })), missing: remaining };
}

const TAKE_AT = `UPDATE stock_level SET reserved = reserved + ?
WHERE variant_id = ? AND location_id = ? AND on_hand - reserved >= ? AND location_id IN (SELECT id FROM stock_location WHERE active = true)
RETURNING location_id`;

/** Reserves `quantity` units at one location, all or nothing (a sourcing plan's choice, a pickup store, a hold). */
export async function reserveAt(db: SqlRunner, variantId: string, locationId: string, quantity: number): Promise<boolean> {
  if (quantity <= 0) return true;
  return (await db.execute(TAKE_AT, [quantity, variantId, locationId, quantity])).length === 1;
}

/**
 * Reserves `quantity` units from the given locations only, in the order given (a sourcing strategy's
 * ranking): each takes what it has, the rest goes to the next; what none has is `missing`.
 */
export async function reserveRanked(db: SqlRunner, variantId: string, quantity: number, locationIds: readonly string[]): Promise<ReservationResult> {
  if (!locationIds.length || quantity <= 0) return { allocations: [], missing: Math.max(0, quantity) };
  const rank = new Map(locationIds.map((id, i) => [id, i]));
  const marks = locationIds.map(() => '?').join(', ');
  const candidates = `SELECT sl.id, sl.location_id, sl.on_hand - sl.reserved AS available
FROM stock_level sl JOIN stock_location l ON l.id = sl.location_id
WHERE sl.variant_id = ? AND l.active = true AND sl.on_hand - sl.reserved > 0 AND sl.location_id IN (${marks})`;
  return splitOverLocations(db, quantity, candidates, [variantId, ...locationIds], (rows) => rows.sort((a, b) => rank.get(a.location_id)! - rank.get(b.location_id)!));
}

const CANDIDATES_ELSEWHERE = CANDIDATES.replace('AND sl.on_hand - sl.reserved > 0', 'AND sl.on_hand - sl.reserved > 0 AND sl.location_id <> ?');

/**
 * Reserves `quantity` units anywhere but `exceptLocationId` (a shipment from there was cancelled and its
 * units are re-routed), split over locations in priority order; what no other location has is `missing`.
 */
export async function reserveElsewhere(db: SqlRunner, variantId: string, quantity: number, exceptLocationId: string): Promise<ReservationResult> {
  return splitOverLocations(db, quantity, CANDIDATES_ELSEWHERE, [variantId, exceptLocationId]);
}

/** Gives reserved units back (cancellation). The guard keeps `reserved` from going below zero. */
export async function release(db: SqlRunner, variantId: string, allocations: Allocation[]): Promise<void> {
  for (const a of allocations) {
    await db.execute(
      'UPDATE stock_level SET reserved = reserved - ? WHERE variant_id = ? AND location_id = ? AND reserved >= ?',
      [a.quantity, variantId, a.locationId, a.quantity],
      'run',
    );
  }
}

const TAKE_OUT = `UPDATE stock_level SET on_hand = on_hand - ?, reserved = reserved - ?
WHERE variant_id = ? AND location_id = ? AND reserved >= ? AND on_hand >= ? RETURNING id`;

/** Reserved units leave with a shipment: onHand and reserved go down together. False when the level does not cover them. */
export async function shipOut(tx: Em, at: StockPlace, quantity: number, why: MovementNote): Promise<boolean> {
  const rows = await tx.execute(TAKE_OUT, [quantity, quantity, at.variantId, at.locationId, quantity, quantity]);
  if (!rows.length) return false;
  movement(tx, at, -quantity, StockMovementReason.SHIPPED, why);
  return true;
}

/** A movement written by plain SQL (no unit of work): kept until the caller's transaction writes its rows. */
export interface PlainMovement {
  at: StockPlace;
  delta: number;
  reason: StockMovementReason;
  why: MovementNote;
}

const MOVEMENTS = new PlainRows<PlainMovement, Date>(StockMovement.name, {
  id: () => newId('mov'), sku: (m) => m.at.sku, location: (m) => m.at.locationId, delta: (m) => m.delta, reason: (m) => m.reason,
  note: (m) => m.why.note ?? null, orderId: (m) => m.why.orderId ?? null, at: (_, when) => when,
});

/** Units that leave with a shipment, for `shipOutPlain`. */
export interface PlainTake {
  at: StockPlace;
  quantity: number;
  why: MovementNote;
}

/** Units per SKU and location, summed, in a fixed order (variant, location): transactions lock stock rows alike. */
function byPlace(takes: readonly PlainTake[]): { at: StockPlace; quantity: number }[] {
  const places = new Map<string, { at: StockPlace; quantity: number }>();
  for (const t of takes) {
    const key = `${t.at.variantId}|${t.at.locationId}`;
    const p = places.get(key);
    if (p) p.quantity += t.quantity;
    else places.set(key, { at: t.at, quantity: t.quantity });
  }
  return [...places.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p);
}

/** Reserved units taken out of stock by plain SQL: the statements to send and what each one's answer says. */
export interface StockOut {
  /** One conditional statement per SKU and location (the units of all takes summed: each take's statement would succeed in turn exactly when the sum's does). */
  statements: Statement[];
  /** The place whose level did not cover its units, from the statements' rows in their order; null when all did. */
  refused(results: readonly unknown[][]): StockPlace | null;
}

/**
 * shipOut for code that writes plain SQL (the automated walk, fulfillment/express-*.ts), for many takes
 * at once. The caller sends the statements in its transaction (with other statements of the same round
 * trip, on a session), checks `refused` (then it must roll back), and inserts each take's SHIPPED
 * movement (`shippedMoves`, `movementRows`) in the same transaction.
 */
export function stockOut(takes: readonly PlainTake[]): StockOut {
  const ordered = byPlace(takes);
  return {
    statements: ordered.map((p) => ({ sql: TAKE_OUT, params: [p.quantity, p.quantity, p.at.variantId, p.at.locationId, p.quantity, p.quantity] })),
    refused: (results) => ordered.find((_, i) => !results[i]?.length)?.at ?? null,
  };
}

/** The SHIPPED movements of takes that `stockOut` took. */
export const shippedMoves = (takes: readonly PlainTake[]): PlainMovement[] =>
  takes.map((t) => ({ at: t.at, delta: -t.quantity, reason: StockMovementReason.SHIPPED, why: t.why }));

/**
 * Undoes `stockOut` of `takes` in the same transaction (units taken before it was known that their
 * shipment stays): onHand and reserved back up, no movement (the transaction's net change is none).
 */
export const giveBack = (takes: readonly PlainTake[]): Statement[] =>
  byPlace(takes).map((p) => ({ sql: 'UPDATE stock_level SET on_hand = on_hand + ?, reserved = reserved + ? WHERE variant_id = ? AND location_id = ?', params: [p.quantity, p.quantity, p.at.variantId, p.at.locationId] }));

/** The rows of plain movements, stamped `when`, for Dialect.insertStatements. */
export const movementRows = (db: SqlRunner, dialect: Dialect, moves: readonly PlainMovement[], when: Date): TableRows => MOVEMENTS.rows(db, dialect, moves, when);

const ADD = `INSERT INTO stock_level (id, sku, variant_id, location_id, on_hand, reserved) VALUES (?, ?, ?, ?, ?, 0)
ON CONFLICT (variant_id, location_id) DO UPDATE SET on_hand = stock_level.on_hand + excluded.on_hand
RETURNING id`;

/** Units arrive (received, found, corrected up): the level is created when the SKU is new at the location. Its id. */
export async function receive(tx: Em, at: StockPlace, quantity: number, reason: StockMovementReason, why: MovementNote = {}): Promise<string> {
  const rows = await tx.execute(ADD, [newId('stk'), at.sku, at.variantId, at.locationId, quantity]);
  movement(tx, at, quantity, reason, why);
  return rows[0].id as string;
}

const REMOVE = 'UPDATE stock_level SET on_hand = on_hand - ? WHERE variant_id = ? AND location_id = ? AND on_hand - ? >= reserved RETURNING id';

/** Units go (damaged, lost, corrected down), never below what orders hold. The level's id, or null when refused. */
export async function remove(tx: Em, at: StockPlace, quantity: number, reason: StockMovementReason, why: MovementNote = {}): Promise<string | null> {
  const rows = await tx.execute(REMOVE, [quantity, at.variantId, at.locationId, quantity]);
  if (!rows.length) return null;
  movement(tx, at, -quantity, reason, why);
  return rows[0].id as string;
}

/** A return's units back on hand where they shipped from. */
export const restock = (tx: Em, at: StockPlace, quantity: number, why: MovementNote) => receive(tx, at, quantity, StockMovementReason.RETURNED, why);

/**
 * onHand set to what a count found, never below what orders hold; the movement is the difference. The
 * update is conditional on onHand being what was read (compare-and-set, tried again if another change
 * came between), so no change is lost on either database. Null when refused (the count is below the
 * reserved units); 0 when nothing changed.
 */
export async function count(tx: Em, at: StockPlace, counted: number, why: MovementNote = {}): Promise<number | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const [level] = await tx.execute('SELECT on_hand, reserved FROM stock_level WHERE variant_id = ? AND location_id = ?', [at.variantId, at.locationId]);
    if (!level) {
      if (counted > 0) await receive(tx, at, counted, StockMovementReason.COUNT, why);
      return counted;
    }
    const before = Number(level.on_hand);
    if (counted < Number(level.reserved)) return null;
    if (counted === before) return 0;
    const rows = await tx.execute('UPDATE stock_level SET on_hand = ? WHERE variant_id = ? AND location_id = ? AND on_hand = ? AND reserved <= ? RETURNING id',
      [counted, at.variantId, at.locationId, before, counted]);
    if (rows.length) {
      movement(tx, at, counted - before, StockMovementReason.COUNT, why);
      return counted - before;
    }
  }
  throw new OrdoError('CONFLICT', `The stock of ${at.sku} keeps changing while it is counted: count again.`);
}

/** Units leave one location for another (TRANSFER_OUT), never below what orders hold there. */
export const transferOut = (tx: Em, from: StockPlace, quantity: number, why: MovementNote) => remove(tx, from, quantity, StockMovementReason.TRANSFER_OUT, why);
/** Transferred units arrive (TRANSFER_IN). */
export const transferIn = (tx: Em, to: StockPlace, quantity: number, why: MovementNote) => receive(tx, to, quantity, StockMovementReason.TRANSFER_IN, why);

const ENSURE = `INSERT INTO stock_level (id, sku, variant_id, location_id, on_hand, reserved) VALUES (?, ?, ?, ?, 0, 0)
ON CONFLICT (variant_id, location_id) DO NOTHING`;

/** The level of a SKU at a location, created empty when missing (onHand stays what it is: no movement). */
export async function ensureLevel(tx: Em, at: StockPlace): Promise<void> {
  await tx.execute(ENSURE, [newId('stk'), at.sku, at.variantId, at.locationId], 'run');
}

/** The movement row, flushed with the caller's transaction. */
function movement(tx: Em, at: StockPlace, delta: number, reason: StockMovementReason, why: MovementNote): void {
  tx.persist(tx.create(StockMovement, {
    sku: at.sku, location: at.locationId, delta, reason, note: why.note ?? null, orderId: why.orderId ?? null,
  }));
}
