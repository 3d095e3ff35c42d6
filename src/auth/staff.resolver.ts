// Staff accounts in GraphQL: superadmins invite, change and disable members; members accept their
// invitation, sign in and out.
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { IsEmail, Length } from 'class-validator';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { OrdoError } from '../kernel/errors.js';
import { StaffMember } from './staff-member.entity.js';
import { StaffService, type StaffAuth } from './staff.service.js';
import { channelCodesOf } from './channel-scope.js';
import { checkRoles } from './auth.resolver.js';

@InputType()
class InviteStaffMemberInput {
  @Field() @IsEmail() @Length(3, 254) email!: string;
  @Field() @Length(1, 200) name!: string;
  @Field(() => [String], { description: 'superadmin, catalog, inventory, orders, settings, operations (docs/permissions.md).' }) roles!: string[];
  @Field(() => [String], { nullable: true, description: 'Keeps the member to these channels\' orders, returns and invoices; left out: every channel.' })
  channelCodes?: string[];
}

@InputType()
class UpdateStaffMemberInput {
  @Field({ nullable: true }) @Length(1, 200) name?: string;
  @Field(() => [String], { nullable: true }) roles?: string[];
  @Field(() => [String], { nullable: true, description: 'The channels the member works on from now on; [] for every channel.' })
  channelCodes?: string[];
}

@ObjectType()
class StaffInvitation {
  @Field(() => StaffMember) staffMember!: StaffMember;
  @Field({ description: 'Shown once (only its hash is stored): the invitee gives it to acceptStaffInvitation with a password.' }) invitationToken!: string;
}

@ObjectType()
class StaffAuthPayload implements StaffAuth {
  @Field({ description: 'A staff session token: Authorization: Bearer <token>.' }) token!: string;
  @Field(() => StaffMember) staffMember!: StaffMember;
  @Field(() => DateTimeScalar) expiresAt!: Date;
}

const staff = (ctx: OrdoContext) => ctx.app.service(StaffService);

@Resolver(() => StaffMember)
export class StaffResolver {
  @Query(() => [StaffMember], { description: 'Superadmin only. Every staff member, newest first.' })
  staffMembers(@Ctx() ctx: OrdoContext): Promise<StaffMember[]> {
    return staff(ctx).list(can(ctx, admin('superadmin')).em);
  }

  @Mutation(() => StaffInvitation, { description: 'Superadmin only. Invites someone (or invites again someone who has not accepted): the token works for 7 days, once. CONFLICT for an active member.' })
  async inviteStaffMember(@Arg('input', () => InviteStaffMemberInput) input: InviteStaffMemberInput, @Ctx() ctx: OrdoContext): Promise<StaffInvitation> {
    can(ctx, admin('superadmin'));
    const { staffMember, token } = await staff(ctx).invite(ctx.em, { ...input, roles: checkRoles(input.roles) });
    return { staffMember, invitationToken: token };
  }

  @Mutation(() => StaffAuthPayload, { description: 'Sets the invited member\'s password (10 to 200 characters) and signs them in.' })
  acceptStaffInvitation(@Arg('token', () => String) token: string, @Arg('password', () => String) password: string, @Ctx() ctx: OrdoContext): Promise<StaffAuth> {
    return staff(ctx).accept(ctx.em, token, password);
  }

  @Mutation(() => StaffAuthPayload, { description: 'A staff member signs in; the session lasts 12 hours. Throttled like login (ORDO_LOGIN_*): RATE_LIMITED with extensions.retryAfterSeconds.' })
  staffLogin(@Arg('email', () => String) email: string, @Arg('password', () => String) password: string, @Ctx() ctx: OrdoContext): Promise<StaffAuth> {
    return staff(ctx).login(ctx.em, email, password, ctx.ip);
  }

  @Mutation(() => Boolean, { description: 'Ends the signed-in staff member\'s session.' })
  staffLogout(@Ctx() ctx: OrdoContext): Promise<boolean> {
    const p = ctx.principal;
    if (p.kind !== 'admin' || !p.sessionId) throw new OrdoError('FORBIDDEN', 'This needs a signed-in staff member.');
    return staff(ctx).logout(ctx.em, p.sessionId);
  }

  @Mutation(() => StaffMember, { description: 'Superadmin only. Changes a member\'s name, roles or channels; effective on their next request.' })
  updateStaffMember(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateStaffMemberInput) input: UpdateStaffMemberInput, @Ctx() ctx: OrdoContext): Promise<StaffMember> {
    can(ctx, admin('superadmin'));
    return staff(ctx).update(ctx.em, id, { ...input, roles: input.roles ? checkRoles(input.roles) : null });
  }

  @Mutation(() => StaffMember, { description: 'Superadmin only. The member can no longer sign in; their sessions and subscriptions end.' })
  disableStaffMember(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<StaffMember> {
    can(ctx, admin('superadmin'));
    return staff(ctx).disable(ctx.em, id);
  }

  @FieldResolver(() => [String], { description: 'The channels the member works on; empty: every channel.' })
  channelCodes(@Root() member: StaffMember, @Ctx() ctx: OrdoContext): Promise<string[]> {
    return channelCodesOf(ctx, member.channelIds);
  }
}
