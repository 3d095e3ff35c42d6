// The code a click & collect buyer shows at the store. Derived, not stored: an HMAC of the shipment id and
// the moment it was marked ready under the engine's secret (ORDO_SECRET), so it is unguessable without
// the secret, the mail and the live event can say it again without it being kept anywhere (the outbox,
// pub/sub and the database hold no code), and the shipment keeps only its SHA-256 to find it by.
// Looking a code up by its hash compares hashes, never the code, so the time a lookup takes tells nothing
// about the code; the row found is compared once more in constant time (timingSafeEqual).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** 32 letters and digits without 0/O and 1/I, which are misread at a counter: 8 of them are 40 bits. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const PICKUP_CODE_LENGTH = 8;

/** The shipment's pickup code, from the secret, its id and when it became ready. */
export function pickupCodeOf(secret: string, shipmentId: string, readyAt: Date): string {
  const mac = createHmac('sha256', secret).update(`pickup|${shipmentId}|${readyAt.getTime()}`).digest();
  let code = '';
  for (let i = 0; i < PICKUP_CODE_LENGTH; i++) code += ALPHABET[mac[i] % ALPHABET.length];
  return code;
}

/** As typed at the counter: case, spaces and dashes do not matter. */
export const normalizePickupCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

export const hashPickupCode = (code: string) => createHash('sha256').update(normalizePickupCode(code)).digest('hex');

/** Whether `code` is the one whose hash the shipment keeps, compared in constant time. */
export function pickupCodeMatches(storedHash: string | null | undefined, code: string): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(storedHash, 'hex');
  const b = Buffer.from(hashPickupCode(code), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
