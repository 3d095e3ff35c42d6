// Staff members: invited by a superadmin (an invitation token, shown once), who set their password when
// they accept it, then sign in with email and password for a session token (`ss_…`) that expires.
// Roles and channel scope work as an API key's (kernel/auth.ts).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { hashToken, type AdminRole } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../kernel/password.js';
import { randomToken } from '../kernel/ids.js';
import { signInThrottle } from '../kernel/rate-limit.js';
import { StaffMember } from './staff-member.entity.js';
import { StaffSession } from './staff-session.entity.js';
import { channelIdsOf } from './channel-scope.js';

/** How long an invitation can be accepted, and a staff session lasts (a working day and a half). */
const INVITATION_DAYS = 7;
const SESSION_HOURS = 12;

export interface StaffAuth {
  token: string;
  staffMember: StaffMember;
  expiresAt: Date;
}

export interface StaffChange {
  name?: string | null;
  roles?: AdminRole[] | null;
  /** null leaves the scope; [] opens every channel. */
  channelCodes?: string[] | null;
}

const checkPassword = (password: string) => {
  if (password.length < 10 || password.length > 200) throw badInput('The password is 10 to 200 characters.', 'password');
};

export class StaffService {
  constructor(private readonly app: AppRuntime) {}

  list(em: Em): Promise<StaffMember[]> {
    return em.find(StaffMember, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  /**
   * Invites a member, or invites again someone who has not accepted yet (a new token; the old one stops
   * working). Someone who already signed in is a CONFLICT: change them with updateStaffMember.
   */
  async invite(em: Em, input: { email: string; name: string; roles: AdminRole[]; channelCodes?: string[] | null }): Promise<{ staffMember: StaffMember; token: string }> {
    const email = input.email.trim().toLowerCase();
    const channelIds = await channelIdsOf(em, input.channelCodes, input.roles);
    const token = randomToken('inv');
    const invitation = { invitationHash: hashToken(token), invitationExpiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000) };
    let member = await em.findOne(StaffMember, { email });
    if (member?.passwordHash) throw new OrdoError('CONFLICT', `${email} is a staff member already: change their roles with updateStaffMember.`);
    if (member) Object.assign(member, { name: input.name, roles: input.roles, channelIds, disabledAt: null, ...invitation });
    else em.persist((member = em.create(StaffMember, { email, name: input.name, roles: input.roles, channelIds, ...invitation })));
    await em.flush();
    return { staffMember: member, token };
  }

  /** The invitee sets a password and is signed in. The token works once. */
  async accept(em: Em, token: string, password: string): Promise<StaffAuth> {
    checkPassword(password);
    const passwordHash = await hashPassword(password);
    const invalid = () => new OrdoError('UNAUTHENTICATED', 'The invitation is not valid (unknown, used or expired): ask a superadmin to invite you again.');
    const member = await em.findOne(StaffMember, { invitationHash: hashToken(token), invitationExpiresAt: { $gt: new Date() }, disabledAt: null });
    if (!member) throw invalid();
    return em.transactional(async (tx) => {
      // Claimed by a conditional update: of two requests with the token at once, one wins.
      const claimed = await tx.nativeUpdate(StaffMember, { id: member.id, invitationHash: hashToken(token) }, { invitationHash: null, invitationExpiresAt: null, passwordHash });
      if (!claimed) throw invalid();
      return this.signIn(tx, await tx.findOneOrFail(StaffMember, { id: member.id }, { refresh: true }));
    });
  }

  /** Throttled like a customer's sign-in (`signInThrottle`, ORDO_LOGIN_*), with counters of its own. */
  async login(em: Em, email: string, password: string, ip?: string): Promise<StaffAuth> {
    const address = email.trim().toLowerCase();
    const throttle = signInThrottle(this.app, 'staff-login');
    await throttle.attempt(address, ip);
    const member = await em.findOne(StaffMember, { email: address });
    const ok = await verifyPassword(password, member?.passwordHash ?? DUMMY_HASH);
    if (!member || !ok || member.disabledAt) {
      await throttle.failed(ip);
      throw new OrdoError('UNAUTHENTICATED', 'The email or the password is wrong.');
    }
    await throttle.succeeded(address);
    return this.signIn(em, member);
  }

  async update(em: Em, id: string, change: StaffChange): Promise<StaffMember> {
    const member = await em.findOne(StaffMember, { id });
    if (!member) throw notFound(`Staff member ${id}`);
    const roles = change.roles ?? member.roles;
    if (change.roles && !change.roles.length) throw badInput('Give at least one role.', 'roles');
    const channelIds = change.channelCodes ? await channelIdsOf(em, change.channelCodes, roles) : member.channelIds;
    if (roles.includes('superadmin') && channelIds?.length) throw badInput('A superadmin works on every channel: give channelCodes: [] with the superadmin role.', 'roles');
    if (change.name != null) member.name = change.name;
    member.roles = roles;
    member.channelIds = channelIds;
    await em.flush();
    return member;
  }

  /** A disabled member's sessions end at once (their next request, and their subscriptions, are refused). */
  async disable(em: Em, id: string): Promise<StaffMember> {
    const member = await em.findOne(StaffMember, { id });
    if (!member) throw notFound(`Staff member ${id}`);
    member.disabledAt ??= new Date();
    member.invitationHash = null;
    await em.nativeUpdate(StaffSession, { staffMember: id, revokedAt: null }, { revokedAt: new Date() });
    await em.flush();
    return member;
  }

  async logout(em: Em, sessionId: string): Promise<boolean> {
    return (await em.nativeUpdate(StaffSession, { id: sessionId, revokedAt: null }, { revokedAt: new Date() })) > 0;
  }

  private async signIn(em: Em, member: StaffMember): Promise<StaffAuth> {
    const token = randomToken('ss');
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000);
    member.lastLoginAt = new Date();
    em.persist(em.create(StaffSession, { staffMember: member, tokenHash: hashToken(token), expiresAt }));
    await em.flush();
    return { token, staffMember: member, expiresAt };
  }
}
