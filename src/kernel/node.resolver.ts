// `node(id)`: the id's prefix names the module loader that fetches it (and checks access).
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { OrdoContext } from './context.js';
import { idPrefix } from './ids.js';
import { Node } from './graphql-types.js';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<unknown> {
    const prefix = idPrefix(id);
    for (const m of ctx.app.modules) {
      const load = prefix ? m.nodes?.[prefix] : undefined;
      if (load) return (await load(ctx, id)) ?? null;
    }
    return null;
  }
}
