// Document links carry their own permission: whoever holds an unexpired link may fetch that one document,
// without a session (mail clients, label printers). The HMAC binds the key to the expiry, so neither can
// be changed without the secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'ok' | 'expired' | 'bad';

function mac(secret: string, key: string, expires: string): Buffer {
  return createHmac('sha256', secret).update(`${key}\n${expires}`).digest();
}

/** `/documents/<key>?expires=<unix>&signature=<hex>`; keys are URL-safe already (see document-key.ts). */
export function signPath(secret: string, key: string, expiresAtUnixSeconds: number): string {
  const expires = String(Math.floor(expiresAtUnixSeconds));
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `/documents/${path}?expires=${expires}&signature=${mac(secret, key, expires).toString('hex')}`;
}

/**
 * Checks a link's signature first and its expiry second: a link whose expiry was tampered with is `bad`,
 * never `expired`. `expires` must be the decimal digits exactly as signed.
 */
export function verifySignature(
  secret: string,
  key: string,
  expires: string | number,
  signature: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const exp = typeof expires === 'number' ? (Number.isSafeInteger(expires) && expires >= 0 ? String(expires) : '') : expires;
  if (!/^\d{1,15}$/.test(exp) || typeof signature !== 'string' || !/^[0-9a-f]{64}$/i.test(signature)) return 'bad';
  if (!timingSafeEqual(mac(secret, key, exp), Buffer.from(signature, 'hex'))) return 'bad';
  return Number(exp) <= nowSeconds ? 'expired' : 'ok';
}
