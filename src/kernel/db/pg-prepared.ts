// Server-side prepared statements for the PostgreSQL session (pg-session.ts). The session sends its
// statements as text in the simple protocol, several to a round trip; PostgreSQL then parses, analyses and
// plans each one every time: planning alone was about a quarter of its CPU per order in the placeOrder
// benchmark (the stock reservation's plan 0.5 ms). A statement shape a pooled connection sends often is
// PREPAREd once there and then sent as `EXECUTE name(values)`: still text, still many to a round trip,
// but PostgreSQL reuses the parse and, after a few runs, the plan.

/** A statement's text split at its `?` placeholders (the hot paths' statements come in a few shapes). */
const partsCache = new Map<string, string[]>();
export function placeholderParts(sql: string): string[] {
  let parts = partsCache.get(sql);
  if (!parts) {
    parts = sql.split('?');
    if (partsCache.size >= 500) partsCache.clear();
    partsCache.set(sql, parts);
  }
  return parts;
}

/**
 * A shape sent this many times on one connection is prepared there: the PREPARE costs a round trip of its
 * own, which a shape sent rarely (a list of an unusual length, built per batch) would not earn back.
 */
const PREPARE_AFTER = 5;
/** Bounds on the shapes remembered, so texts built with varying literals cannot grow them without end. */
const MAX_SHAPES = 2000;
const MAX_PER_CONNECTION = 256;

/** A name per shape, the same on every connection. */
const names = new Map<string, string>();
/** The names of shapes PostgreSQL would not prepare (a parameter whose type it cannot infer, …). */
const refused = new Set<string>();

/** What a pooled connection has prepared (prepared statements live as long as their connection), and how often it sent the shapes it has not. */
interface ConnectionShapes {
  prepared: Set<string>;
  seen: Map<string, number>;
}
const shapesOn = new WeakMap<object, ConnectionShapes>();

/** The pools (knex clients) whose sessions send everything inline: DATABASE_PREPARE=false. */
const inlineOnly = new WeakSet<object>();
export function preparingOff(pool: object): void {
  inlineOnly.add(pool);
}
export function prepares(pool: object): boolean {
  return !inlineOnly.has(pool);
}

export interface PreparedShape {
  name: string;
  /** Whether it is prepared on the connection already; if not, the session PREPAREs it first. */
  ready: boolean;
  /** The statement with `$1…$n` for its placeholders: what PREPARE takes (empty when ready). */
  text: string;
}

/**
 * The prepared shape to send `sql` as on `conn`, or undefined when it goes out inline: not sent often
 * enough there yet, refused before, or with a value whose meaning could change as a typed parameter. An
 * array expands to a list (`IN (?)`) and a fraction compared with an integer column would be cast to it;
 * both stay inline.
 */
export function preparedShape(conn: object, sql: string, params: readonly unknown[]): PreparedShape | undefined {
  if (!params.length || !eligible(sql)) return undefined;
  const parts = placeholderParts(sql);
  if (parts.length - 1 !== params.length || !params.every(preparable)) return undefined;
  let on = shapesOn.get(conn);
  if (!on) shapesOn.set(conn, (on = { prepared: new Set(), seen: new Map() }));
  let name = names.get(sql);
  if (name && on.prepared.has(name)) return { name, ready: true, text: '' };
  if ((name && refused.has(name)) || on.prepared.size >= MAX_PER_CONNECTION) return undefined;
  const count = (on.seen.get(sql) ?? 0) + 1;
  if (count < PREPARE_AFTER) {
    if (on.seen.size >= MAX_SHAPES) on.seen.clear();
    on.seen.set(sql, count);
    return undefined;
  }
  on.seen.delete(sql);
  if (!name) {
    if (names.size >= MAX_SHAPES) return undefined;
    names.set(sql, (name = `ordo_${names.size + 1}`));
  }
  return { name, ready: false, text: parts.reduce((text, part, i) => `${text}$${i}${part}`) };
}

/** Whether a text can be one prepared statement with `?` placeholders only (asked once per text). */
const eligibleCache = new Map<string, boolean>();
const STAR_SELECT = /(\.|SELECT\s+|RETURNING\s+)\*/i;
function eligible(sql: string): boolean {
  let ok = eligibleCache.get(sql);
  if (ok === undefined) {
    // A star select's columns are fixed when it is prepared: a column added by a migration while this
    // process runs (a rolling deploy) would make PostgreSQL refuse the statement. Those stay inline.
    ok = !sql.includes(';') && !sql.includes('$') && !sql.includes('??') && !sql.includes('\\?') && !STAR_SELECT.test(sql);
    if (eligibleCache.size >= MAX_SHAPES) eligibleCache.clear();
    eligibleCache.set(sql, ok);
  }
  return ok;
}

function preparable(v: unknown): boolean {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isSafeInteger(v);
  return v instanceof Date || (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype);
}

export function markPrepared(conn: object, shape: PreparedShape): void {
  shapesOn.get(conn)?.prepared.add(shape.name);
}

/** PostgreSQL refused the shape: it goes out inline from now on, on every connection. */
export function markRefused(shape: PreparedShape): void {
  refused.add(shape.name);
}
