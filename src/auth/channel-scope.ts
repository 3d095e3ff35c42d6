// Channel scopes of keys and staff members: given as channel codes, stored as channel ids (a channel's
// code could be renamed one day; its id stays), shown as codes.
import type { Em } from '../kernel/db/orm.js';
import type { OrdoContext } from '../kernel/context.js';
import { oneBy } from '../kernel/loaders.js';
import type { AdminRole } from '../kernel/auth.js';
import { badInput } from '../kernel/errors.js';
import { Channel } from '../channels/channel.entity.js';

/** Channel codes to ids; null or empty: every channel. BAD_USER_INPUT for an unknown code or a scoped superadmin. */
export async function channelIdsOf(em: Em, codes: string[] | null | undefined, roles: AdminRole[], field = 'channelCodes'): Promise<string[] | null> {
  if (!codes?.length) return null;
  // A superadmin manages keys, staff and settings of every channel: keeping one to a channel would mean nothing.
  if (roles.includes('superadmin')) throw badInput('A superadmin works on every channel: leave channelCodes out, or give other roles.', field);
  const unique = [...new Set(codes)];
  const channels = await em.find(Channel, { code: { $in: unique } });
  const missing = unique.filter((c) => !channels.some((ch) => ch.code === c));
  if (missing.length) throw badInput(`There is no channel with code ${missing.map((c) => `"${c}"`).join(', ')}.`, field);
  return channels.map((c) => c.id).sort();
}

/** Ids back to codes, for GraphQL (empty: every channel): one query for all the keys or members of a list. */
export async function channelCodesOf(ctx: OrdoContext, ids: string[] | null | undefined): Promise<string[]> {
  if (!ids?.length) return [];
  const channels = await oneBy(ctx, Channel).loadMany(ids);
  return channels.flatMap((c) => (c instanceof Channel ? [c.code] : [])).sort();
}
