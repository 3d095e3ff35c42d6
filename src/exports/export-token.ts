// Export links carry their own permission, as document links do (documents/signed-link.ts): whoever holds
// an unexpired link may download that one file without a session. The token is the export itself — its
// kind, its filter with the creator's channel scope already applied, and its expiry — as base64url JSON,
// followed by an HMAC-SHA256 of it under a key derived from the engine secret (so the key signs nothing
// else). Nothing in it can be changed without the secret; the server keeps no state per export.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Orders: the filter as resolved at creation (channel ids, not codes: the scope is baked in). */
export interface OrderExportFilter {
  statuses?: string[];
  email?: string;
  externalId?: string;
  /** Channel ids the export is kept to; absent: every channel; empty: none (an export of nothing). */
  channelIds?: string[];
  /** Epoch milliseconds. */
  placedAfter?: number;
  placedBefore?: number;
  tags?: string[];
}

/** Every export: when its link stops working (epoch ms) and the file name it is downloaded under. */
interface Common { expires: number; name?: string }

export type ExportSpec = Common & (
  | { kind: 'orders'; filter: OrderExportFilter }
  | { kind: 'stock-levels'; locationId?: string; sku?: string }
  | { kind: 'stock-movements'; from: number; to: number; locationId?: string; sku?: string });

export type ExportKind = ExportSpec['kind'];

export type TokenCheck = { ok: true; spec: ExportSpec } | { ok: false; reason: 'bad' | 'expired' };

const KINDS: readonly ExportKind[] = ['orders', 'stock-levels', 'stock-movements'];

function keyOf(secret: string): Buffer {
  return createHmac('sha256', secret).update('ordo exports v1').digest();
}

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', keyOf(secret)).update(payload).digest();
}

/** `<payload>.<signature>`, both base64url: safe in a URL path segment as it is. */
export function signExportToken(secret: string, spec: ExportSpec): string {
  const payload = Buffer.from(JSON.stringify(spec)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The signature first, the expiry second: a token whose expiry was changed is `bad`, never `expired`. */
export function verifyExportToken(secret: string, token: string, nowMs: number = Date.now()): TokenCheck {
  if (typeof token !== 'string' || token.length > 8192) return { ok: false, reason: 'bad' };
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'bad' };
  const given = Buffer.from(m[2], 'base64url');
  const expected = mac(secret, m[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad' };
  let spec: ExportSpec;
  try {
    spec = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'bad' };
  }
  if (!spec || !KINDS.includes(spec.kind) || !Number.isFinite(spec.expires)) return { ok: false, reason: 'bad' };
  return spec.expires <= nowMs ? { ok: false, reason: 'expired' } : { ok: true, spec };
}
