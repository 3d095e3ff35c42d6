import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { admin, type AdminRole } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';
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

  @Mutation(() => Boolean, { description: 'Superadmin only. Requests with the key fail from now on.' })
  revokeApiKey(@Arg('name', () => String) name: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    return ctx.app.service(TokenService).revokeApiKey(can(ctx, admin('superadmin')).em, name);
  }
}
