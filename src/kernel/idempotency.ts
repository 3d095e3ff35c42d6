// Idempotency keys for mutations that move stock or money: a retried request (a timeout, a dropped
// connection) with the same key answers with what the first one answered and changes nothing again.
//
// How to use it, in a service (the caller owns the transaction):
//
//   checkIdempotencyKey(key);                                   // first: BAD_USER_INPUT changes nothing
//   return withOrder(em, orderId, async (tx, order) => {
//     authorize(principal, …);                                  // who may ask, before any answer
//     return once(tx, `cancelShipment:${keyOwner(principal)}`, key, { id, reason },
//       async () => { /* the checks and the work */ return shipment; },
//       (firstId) => tx.findOneOrFail(Shipment, { id: firstId }));
//   });
//
// - Call `once` inside the transaction that does the work, before the checks a repeat would fail (a
//   state move that already happened, units already returned): the repeat must reach the first answer.
// - `scope` is the operation and the key's owner (`keyOwner`): a customer's key never meets another
//   customer's, and one key used for two operations is two keys.
// - `request` is what makes two requests the same (the input, the target's id); the same key with
//   another request is CONFLICT.
// - `run` returns the result (something with an `id`); a repeat gets `first(id)`, read again now.
// - Let `run`'s errors roll the transaction back: the claim goes with them, and a corrected request may
//   use the key again.
//
// The claim is the first thing the transaction writes: `INSERT … ON CONFLICT DO NOTHING` on the unique
// (scope, key_hash). On PostgreSQL a concurrent request with the same key waits on that row until the
// first commits (then it finds the first's result) or rolls back (then it goes ahead itself); on SQLite
// transactions run one at a time, so a repeat finds the committed row. The unique index answers without
// raising a violation, so the caller's transaction stays usable on both (a raised violation would abort
// a PostgreSQL transaction).
import { createHash } from 'node:crypto';
import type { Principal } from './auth.js';
import { dialectOf } from './db/dialect.js';
import type { SqlRunner } from './db/sql-runner.js';
import { OrdoError, badInput } from './errors.js';
import { newId } from './ids.js';

const KEY = /^[\w\-.:]{1,200}$/;

/** BAD_USER_INPUT (field `idempotencyKey`) for a key that is not 1 to 200 letters, digits, - _ . or :. */
export function checkIdempotencyKey(key: string | null | undefined): void {
  if (key !== undefined && key !== null && !KEY.test(key)) throw badInput('idempotencyKey is 1 to 200 letters, digits, - _ . or :.', 'idempotencyKey');
}

/**
 * Whose keys these are. Staff act for the one shop: their keys are shared by all admin API keys (a retry
 * after the key was rotated still finds its first answer). A customer's are their own; an order's access
 * token holder's belong to that order.
 */
export function keyOwner(p: Principal): string {
  switch (p.kind) {
    case 'admin': return 'staff';
    case 'customer': return `customer:${p.customerId}`;
    case 'order': return `order:${p.orderId}`;
    default: return 'anonymous';
  }
}

/**
 * Runs `run` once per (scope, key) in the caller's transaction `tx`; see the top of this file. Without a
 * key it just runs.
 */
export async function once<T extends { id: string }>(
  tx: SqlRunner,
  scope: string,
  key: string | null | undefined,
  request: unknown,
  run: () => Promise<T>,
  first: (resultId: string) => Promise<T>,
): Promise<T> {
  if (key === undefined || key === null) return run();
  checkIdempotencyKey(key);
  const keyHash = sha(key);
  const requestHash = sha(stableJson(request));
  const claimed = await tx.execute(CLAIM, [newId('idk'), scope, keyHash, requestHash, dialectOf(tx).date(new Date())]);
  if (!claimed.length) {
    const [row] = await tx.execute(FIRST, [scope, keyHash]);
    if (!row || row.request_hash !== requestHash) {
      throw new OrdoError('CONFLICT', 'This idempotencyKey was used for a different request: use a new key for a new request.');
    }
    if (!row.result_id) throw new OrdoError('CONFLICT', 'The first request with this idempotencyKey has no result: use a new key.');
    return first(row.result_id as string);
  }
  const result = await run();
  await tx.execute(RESULT, [result.id, claimed[0].id], 'run');
  return result;
}

const CLAIM = `INSERT INTO idempotency_record (id, scope, key_hash, request_hash, created_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (scope, key_hash) DO NOTHING RETURNING id`;
const FIRST = 'SELECT request_hash, result_id FROM idempotency_record WHERE scope = ? AND key_hash = ?';
const RESULT = 'UPDATE idempotency_record SET result_id = ? WHERE id = ?';

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * JSON with object keys sorted and null/undefined members left out: a fingerprint of the request that
 * does not depend on the order the client wrote its fields in, or on an optional field sent as null
 * instead of left out (GraphQL treats the two alike).
 */
export function stableJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
