// Turns a bearer token into a principal. The token's prefix says where to look, so every request
// costs at most one indexed lookup by hash. Other kinds (order access tokens) register a resolver.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { ANONYMOUS, hashToken, type AdminRole, type Principal } from '../kernel/auth.js';
import { OrdoError } from '../kernel/errors.js';
import { newId, randomToken } from '../kernel/ids.js';
import { sqlCounter } from '../kernel/db/sql-counter.js';
import { plainFindOne } from '../kernel/db/plain-find.js';
import { ApiKey } from './api-key.entity.js';
import { CustomerSession } from '../customers/customer-session.entity.js';
import { StaffSession } from './staff-session.entity.js';

export type TokenResolver = (em: Em, tokenHash: string) => Promise<Principal | null>;

/** How often a key's lastUsedAt is written at most (per key and process; the stored value checked first). */
const LAST_USED_EVERY_MS = 60_000;

const invalid = () => new OrdoError('UNAUTHENTICATED', 'The token is not valid (unknown, revoked or expired). Sign in again or use another key.');

export class TokenService {
  private kinds = new Map<string, TokenResolver>();
  private lastUsedWrites = new Map<string, number>();
  constructor(private readonly app: AppRuntime) {}

  registerKind(prefix: string, resolver: TokenResolver): void {
    this.kinds.set(prefix, resolver);
  }

  /** `authorization` is the raw header value (or graphql-ws connectionParams.authorization). */
  async principal(em: Em, authorization: string | undefined | null): Promise<Principal> {
    if (!authorization) return ANONYMOUS;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!m) throw new OrdoError('UNAUTHENTICATED', 'Send the token as: Authorization: Bearer <token>.');
    const token = m[1];
    const hash = hashToken(token);
    const prefix = token.slice(0, token.indexOf('_') + 1);
    if (prefix === 'cs_') {
      const s = await plainFindOne(em, CustomerSession, { tokenHash: hash, revokedAt: null, expiresAt: { $gt: new Date() } });
      if (!s) throw invalid();
      this.noteSessionUse(s);
      return { kind: 'customer', customerId: s.customer.id, sessionId: s.id };
    }
    if (prefix === 'ss_') {
      const s = await em.findOne(StaffSession, { tokenHash: hash, revokedAt: null, expiresAt: { $gt: new Date() }, staffMember: { disabledAt: null } }, { populate: ['staffMember'] });
      if (!s) throw invalid();
      const m = s.staffMember;
      // keyId is the member: the audit log and idempotency keys name the person, not the session.
      return { kind: 'admin', keyId: m.id, name: m.email, roles: m.roles, staffId: m.id, sessionId: s.id, channelIds: m.channelIds ?? null };
    }
    const custom = this.kinds.get(prefix);
    if (custom) {
      const p = await custom(em, hash);
      if (!p) throw invalid();
      return p;
    }
    // No cache: a revoked key is refused on its next request, in every process.
    // Read-only (plain-find.ts): a prepared statement on PostgreSQL, and none of the ORM's hydration per request.
    const key = await plainFindOne(em, ApiKey, { tokenHash: hash, revokedAt: null });
    if (!key) throw invalid();
    this.noteUse(key);
    return { kind: 'admin', keyId: key.id, name: key.name, roles: key.roles, channelIds: key.channelIds ?? null };
  }

  /** Creates a key, or gives a key of that name a new secret (rotation). Returns nothing secret. */
  async upsertApiKey(em: Em, name: string, token: string, roles: AdminRole[], channelIds: string[] | null = null): Promise<ApiKey> {
    // One statement, so that processes starting together on an empty database do not race on the name.
    const upsert = () => em.execute(
      `INSERT INTO api_key (id, name, roles, channel_ids, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, roles = excluded.roles, channel_ids = excluded.channel_ids, revoked_at = NULL`,
      [newId('key'), name, JSON.stringify(roles), channelIds ? JSON.stringify(channelIds) : null, hashToken(token), dialectOf(em).date(new Date())],
    );
    try {
      await upsert();
    } catch (e) {
      // Two processes inserting the same key at the same moment: PostgreSQL settles the conflict on the
      // name (ON CONFLICT's index) by waiting, but the token's own unique index then refuses the second
      // insert outright. Once more, the first one's row is there and the statement updates it.
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      await upsert();
    }
    return em.findOneOrFail(ApiKey, { name }, { refresh: true });
  }

  async createApiKey(em: Em, name: string, roles: AdminRole[], channelIds: string[] | null = null): Promise<{ key: ApiKey; token: string }> {
    if (await em.count(ApiKey, { name })) throw new OrdoError('CONFLICT', `An API key named "${name}" exists already.`);
    const token = randomToken('ak');
    return { key: await this.upsertApiKey(em, name, token, roles, channelIds), token };
  }

  /**
   * Revokes a key (by id or name): false when there is no such active key. The last active superadmin
   * key cannot be revoked (CONFLICT): nobody could manage keys any more. The active keys are locked
   * first, so that two superadmins revoking each other's keys at once cannot both succeed.
   */
  async revokeApiKey(em: Em, ref: { id?: string; name?: string }): Promise<boolean> {
    return em.transactional(async (tx) => {
      await dialectOf(tx).lockRows(tx, 'SELECT id FROM api_key WHERE revoked_at IS NULL');
      const active = await tx.find(ApiKey, { revokedAt: null }, { refresh: true });
      const key = active.find((k) => (ref.id ? k.id === ref.id : k.name === ref.name));
      if (!key) return false;
      if (key.roles.includes('superadmin') && active.filter((k) => k.roles.includes('superadmin')).length === 1) {
        throw new OrdoError('CONFLICT', `"${key.name}" is the last superadmin key: create another superadmin key first (createApiKey), or rotate it with ADMIN_API_KEY.`);
      }
      key.revokedAt = new Date();
      return true;
    });
  }

  /** Every key, newest first (the secret is never stored; its hash is not exposed). */
  list(em: Em): Promise<ApiKey[]> {
    return em.find(ApiKey, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /**
   * Records lastUsedAt at most once a minute per key: after the request's own statements and outside its
   * statement count (not awaited), so that a request costs what it did.
   */
  private noteUse(key: ApiKey): void {
    const now = Date.now();
    if (key.lastUsedAt && now - key.lastUsedAt.getTime() < LAST_USED_EVERY_MS) return;
    if (now - (this.lastUsedWrites.get(key.id) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastUsedWrites.set(key.id, now);
    sqlCounter.exit(() => {
      const em = this.app.orm.em.fork() as Em;
      em.nativeUpdate(ApiKey, { id: key.id }, { lastUsedAt: new Date(now) }).catch((err) => {
        this.app.log.warn({ err: (err as Error).message, key: key.name }, 'could not record when an API key was used');
      });
    });
  }

  /** A customer session's lastUsedAt (mySessions), as a key's: at most once a minute, outside the request's statements. */
  private noteSessionUse(session: CustomerSession): void {
    const now = Date.now();
    if (session.lastUsedAt && now - session.lastUsedAt.getTime() < LAST_USED_EVERY_MS) return;
    if (now - (this.lastUsedWrites.get(session.id) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastUsedWrites.set(session.id, now);
    if (this.lastUsedWrites.size > 10_000) this.lastUsedWrites.clear(); // bounded: a forgotten entry only means one more write
    sqlCounter.exit(() => {
      const em = this.app.orm.em.fork() as Em;
      em.nativeUpdate(CustomerSession, { id: session.id }, { lastUsedAt: new Date(now) }).catch((err) => {
        this.app.log.warn({ err: (err as Error).message }, 'could not record when a customer session was used');
      });
    });
  }

  /**
   * At start: ADMIN_API_KEY becomes (or rotates) the superadmin key. Without it, outside production, a
   * development key is created when no key exists yet, and returned once so that it can be printed.
   */
  async bootstrap(em: Em): Promise<string | null> {
    if (this.app.config.adminApiKey) {
      await this.upsertApiKey(em, 'superadmin', this.app.config.adminApiKey, ['superadmin']);
      return null;
    }
    if (this.app.config.env === 'production' || (await em.count(ApiKey, {}))) return null;
    // Only the process whose insert lands prints the key: a racing process finds the row taken.
    const token = randomToken('ak');
    const rows = await em.execute(
      'INSERT INTO api_key (id, name, roles, token_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id',
      [newId('key'), 'development', JSON.stringify(['superadmin']), hashToken(token), dialectOf(em).date(new Date())],
    );
    return rows.length ? token : null;
  }
}
