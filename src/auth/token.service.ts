// Turns a bearer token into a principal. The token's prefix says where to look, so every request
// costs at most one indexed lookup by hash. Other kinds (order access tokens) register a resolver.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { ANONYMOUS, hashToken, type AdminRole, type Principal } from '../kernel/auth.js';
import { OrdoError } from '../kernel/errors.js';
import { newId, randomToken } from '../kernel/ids.js';
import { ApiKey } from './api-key.entity.js';
import { CustomerSession } from '../customers/customer-session.entity.js';

export type TokenResolver = (em: Em, tokenHash: string) => Promise<Principal | null>;

const invalid = () => new OrdoError('UNAUTHENTICATED', 'The token is not valid (unknown, revoked or expired). Sign in again or use another key.');

export class TokenService {
  private kinds = new Map<string, TokenResolver>();
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
      const s = await em.findOne(CustomerSession, { tokenHash: hash, revokedAt: null, expiresAt: { $gt: new Date() } });
      if (!s) throw invalid();
      return { kind: 'customer', customerId: s.customer.id, sessionId: s.id };
    }
    const custom = this.kinds.get(prefix);
    if (custom) {
      const p = await custom(em, hash);
      if (!p) throw invalid();
      return p;
    }
    const key = await em.findOne(ApiKey, { tokenHash: hash, revokedAt: null });
    if (!key) throw invalid();
    return { kind: 'admin', keyId: key.id, name: key.name, roles: key.roles };
  }

  /** Creates a key, or gives a key of that name a new secret (rotation). Returns nothing secret. */
  async upsertApiKey(em: Em, name: string, token: string, roles: AdminRole[]): Promise<ApiKey> {
    // One statement, so that processes starting together on an empty database do not race.
    await em.execute(
      `INSERT INTO api_key (id, name, roles, token_hash, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, roles = excluded.roles, revoked_at = NULL`,
      [newId('key'), name, JSON.stringify(roles), hashToken(token), dialectOf(em).date(new Date())],
    );
    return em.findOneOrFail(ApiKey, { name }, { refresh: true });
  }

  async createApiKey(em: Em, name: string, roles: AdminRole[]): Promise<{ key: ApiKey; token: string }> {
    if (await em.count(ApiKey, { name })) throw new OrdoError('CONFLICT', `An API key named "${name}" exists already.`);
    const token = randomToken('ak');
    return { key: await this.upsertApiKey(em, name, token, roles), token };
  }

  async revokeApiKey(em: Em, name: string): Promise<boolean> {
    const key = await em.findOne(ApiKey, { name, revokedAt: null });
    if (!key) return false;
    key.revokedAt = new Date();
    await em.flush();
    return true;
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
