import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { admin, type AdminRole } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';
import { ApiKey } from './api-key.entity.js';
import { TokenService } from './token.service.js';

const ROLES: AdminRole[] = ['superadmin', 'catalog', 'inventory', 'orders', 'settings'];

@ObjectType()
class CreatedApiKey {
  @Field() name!: string;
  @Field(() => [String]) roles!: string[];
  @Field({ description: 'Shown once: only its hash is stored.' }) token!: string;
}

@Resolver()
export class ApiKeyResolver {
  @Mutation(() => CreatedApiKey, { description: 'Superadmin only. Roles: superadmin, catalog, inventory, orders, settings.' })
  async createApiKey(
    @Arg('name', () => String) name: string,
    @Arg('roles', () => [String]) roles: string[],
    @Ctx() ctx: OrdoContext,
  ): Promise<CreatedApiKey> {
    can(ctx, admin('superadmin'));
    if (!/^[\w .-]{1,100}$/.test(name) || !roles.length || roles.some((r) => !ROLES.includes(r as AdminRole))) {
      throw badInput(`Give a name (1-100 letters, digits, space . _ -) and roles from: ${ROLES.join(', ')}.`, 'roles');
    }
    const { key, token } = await ctx.app.service(TokenService).createApiKey(ctx.em, name, roles as AdminRole[]);
    return { name: key.name, roles: key.roles, token };
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
