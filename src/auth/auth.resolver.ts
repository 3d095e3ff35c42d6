import { Arg, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { admin, ADMIN_ROLES, type AdminRole } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';
import { ApiKey } from './api-key.entity.js';
import { TokenService } from './token.service.js';
import { channelCodesOf, channelIdsOf } from './channel-scope.js';

const ROLES = ADMIN_ROLES;

@ObjectType()
class CreatedApiKey {
  @Field() name!: string;
  @Field(() => [String]) roles!: string[];
  @Field(() => [String], { description: 'The channels the key works on; empty: every channel.' }) channelCodes!: string[];
  @Field({ description: 'Shown once: only its hash is stored.' }) token!: string;
}

/** Roles checked against the known ones (BAD_USER_INPUT otherwise). */
export function checkRoles(roles: string[], field = 'roles'): AdminRole[] {
  if (!roles.length || roles.some((r) => !ROLES.includes(r as AdminRole))) throw badInput(`Give roles from: ${ROLES.join(', ')}.`, field);
  return roles as AdminRole[];
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Mutation(() => CreatedApiKey, { description: 'Superadmin only. Roles: superadmin, catalog, inventory, orders, settings, operations (docs/permissions.md). channelCodes keeps the key to those channels\' orders, returns and invoices (not for superadmin keys).' })
  async createApiKey(
    @Arg('name', () => String) name: string,
    @Arg('roles', () => [String]) roles: string[],
    @Arg('channelCodes', () => [String], { nullable: true }) channelCodes: string[] | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<CreatedApiKey> {
    can(ctx, admin('superadmin'));
    if (!/^[\w .-]{1,100}$/.test(name)) throw badInput('Give a name of 1-100 letters, digits, space . _ -.', 'name');
    const checked = checkRoles(roles);
    const channelIds = await channelIdsOf(ctx.em, channelCodes, checked);
    const { key, token } = await ctx.app.service(TokenService).createApiKey(ctx.em, name, checked, channelIds);
    return { name: key.name, roles: key.roles, channelCodes: await channelCodesOf(ctx, channelIds), token };
  }

  @FieldResolver(() => [String], { description: 'The channels the key works on; empty: every channel.' })
  channelCodes(@Root() key: ApiKey, @Ctx() ctx: OrdoContext): Promise<string[]> {
    return channelCodesOf(ctx, key.channelIds);
  }

  @Query(() => [ApiKey], { description: 'Superadmin only. Every admin API key, newest first, revoked ones included; never a secret.' })
  apiKeys(@Ctx() ctx: OrdoContext): Promise<ApiKey[]> {
    return ctx.app.service(TokenService).list(can(ctx, admin('superadmin')).em);
  }

  @Mutation(() => Boolean, {
    description: 'Superadmin only. Give the key\'s id (or its name). Requests with the key are refused (UNAUTHENTICATED) from now on, in every process. False when there is no such active key; CONFLICT for the last active superadmin key.',
  })
  revokeApiKey(
    @Arg('id', () => ID, { nullable: true }) id: string | undefined,
    @Arg('name', () => String, { nullable: true }) name: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<boolean> {
    can(ctx, admin('superadmin'));
    if (!id === !name) throw badInput('Give the key\'s id or its name (one of them).', 'id');
    return ctx.app.service(TokenService).revokeApiKey(ctx.em, id ? { id } : { name: name! });
  }
}
