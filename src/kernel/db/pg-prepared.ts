// Server-side prepared statements for the PostgreSQL session (pg-session.ts). The session sends its
// statements as text in the simple protocol, several to a round trip; PostgreSQL then parses, analyses and
// plans each one every time, which was a third of its CPU per order in the placeOrder benchmark (the stock
// reservation's plan alone 0.5 ms). A statement shape the session sends often is PREPAREd once on each
// pooled connection and then sent as `EXECUTE name(values)`: still text, still many to a round trip, but
// PostgreSQL reuses the parse and, after a few runs, the plan.

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

/** A shape sent this many times (by any session) is prepared: one-off texts are not worth a round trip. */
const PREPARE_AFTER = 3;
/** Bounds on the shapes remembered, so texts built with varying literals cannot grow them without end. */
const MAX_SHAPES = 2000;
const MAX_PER_CONNECTION = 256;

const seen = new Map<string, number>();
const names = new Map<string, string>();
/** The names of shapes PostgreSQL would not prepare (a parameter whose type it cannot infer, several statements, …). */
const refused = new Set<string>();
/** The names prepared on each pooled connection (prepared statements live as long as their connection). */
const preparedOn = new WeakMap<object, Set<string>>();

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
  /** The statement with `$1…$n` for its placeholders: what PREPARE takes. */
  text: string;
}

/**
 * The prepared shape to send `sql` as, or undefined when it goes out inline: too rarely seen yet, refused
 * before, or with a value whose meaning could change as a typed parameter. An array expands to a list
 * (`IN (?)`) and a fraction compared with an integer column would be cast to it; both stay inline.
 */
export function preparedShape(sql: string, params: readonly unknown[]): PreparedShape | undefined {
  if (!params.length || sql.includes(';') || sql.includes('$') || sql.includes('??') || sql.includes('\\?')) return undefined;
  let name = names.get(sql);
  if (!name) {
    const count = (seen.get(sql) ?? 0) + 1;
    if (count < PREPARE_AFTER || names.size >= MAX_SHAPES) {
      if (seen.size >= MAX_SHAPES) seen.clear();
      seen.set(sql, count);
      return undefined;
    }
    seen.delete(sql);
    name = `ordo_${names.size + 1}`;
    names.set(sql, name);
  }
  if (refused.has(name)) return undefined;
  const parts = placeholderParts(sql);
  if (parts.length - 1 !== params.length || !params.every(preparable)) return undefined;
  return { name, text: parts.reduce((text, part, i) => `${text}$${i}${part}`) };
}

function preparable(v: unknown): boolean {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isSafeInteger(v);
  return v instanceof Date || (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype);
}

/** Whether `shape` is prepared on `conn` already. */
export function isPreparedOn(conn: object, shape: PreparedShape): boolean {
  return preparedOn.get(conn)?.has(shape.name) ?? false;
}

/** Whether one more shape may be prepared on `conn`. */
export function roomOn(conn: object): boolean {
  return (preparedOn.get(conn)?.size ?? 0) < MAX_PER_CONNECTION;
}

export function markPrepared(conn: object, shape: PreparedShape): void {
  let set = preparedOn.get(conn);
  if (!set) preparedOn.set(conn, (set = new Set()));
  set.add(shape.name);
}

/** PostgreSQL refused the shape: it goes out inline from now on, on every connection. */
export function markRefused(shape: PreparedShape): void {
  refused.add(shape.name);
}
