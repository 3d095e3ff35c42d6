// Identifiers are made in the process, not by the database: a whole order (lines, payment, history, event)
// can be inserted in one flush without waiting for generated keys. They sort by creation time, which the
// keyset pagination relies on, and carry their type as a prefix so `node(id)` knows where to look.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/** 11 base36 chars of milliseconds + 4 of a per-ms counter + 10 random: time-ordered within a process. */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now === lastMs) counter++;
  else {
    lastMs = now;
    counter = 0;
  }
  const time = now.toString(36).padStart(11, '0');
  const seq = counter.toString(36).padStart(4, '0');
  const rand = randomBytes(8).readBigUInt64BE().toString(36).padStart(13, '0').slice(0, 10);
  return `${prefix}_${time}${seq}${rand}`;
}

export function idPrefix(id: string): string | undefined {
  const i = id.indexOf('_');
  return i > 0 ? id.slice(0, i) : undefined;
}

export function randomToken(prefix: string, bytes = 24): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
