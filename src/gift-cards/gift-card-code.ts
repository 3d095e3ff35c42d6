// A gift card's code: 16 characters from crypto's random bytes, in groups of four (XXXX-XXXX-XXXX-XXXX),
// from an alphabet without the look-alikes 0/O and 1/I (32 signs: 80 bits). It is shown once; the
// table keeps its SHA-256 and its last four characters. A typed code is normalised first (case, spaces
// and dashes do not matter).
import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 16;

export function newGiftCardCode(): string {
  let raw = '';
  for (let i = 0; i < LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.match(/.{4}/g)!.join('-');
}

/** Upper case, without spaces or dashes: how the hash is taken. */
export const normaliseCode = (code: string) => code.toUpperCase().replace(/[\s-]+/g, '');

export const hashGiftCardCode = (code: string) => createHash('sha256').update(normaliseCode(code)).digest('hex');

export const last4Of = (code: string) => normaliseCode(code).slice(-4);
