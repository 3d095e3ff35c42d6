// Choosing how a channel sources its orders, and the region distance table the `nearest` strategy reads.
import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { admin } from '../kernel/auth.js';
import { badInput } from '../kernel/errors.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { Channel } from '../channels/channel.entity.js';
import { ChannelService } from '../channels/channel.service.js';
import { RegionDistance } from './region-distance.entity.js';
import { SourcingService } from './sourcing.service.js';

@ObjectType({ description: 'A way of choosing the locations an order ships from.' })
class SourcingStrategyInfo {
  @Field() code!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
}

const REGION = /^[A-Za-z]{2}(-[A-Za-z0-9 .'-]{1,100})?$/;

@InputType()
class RegionDistanceInput {
  @Field({ description: "The buyer's region: a country code (AT) or country-region (US-TX)." }) @Matches(REGION, { message: 'fromRegion is a country code (AT) or country-region (US-TX)' })
  fromRegion!: string;

  @Field({ description: "The location's region, written the same way." }) @Matches(REGION, { message: 'toRegion is a country code (AT) or country-region (US-TX)' })
  toRegion!: string;

  @Field(() => Int, { nullable: true, description: 'Null removes the entry.' }) @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  distance?: number | null;
}

@Resolver()
export class SourcingResolver {
  @Query(() => [SourcingStrategyInfo], { description: 'Admin (settings): the sourcing strategies a channel may use (built in and plugins\').' })
  sourcingStrategies(@Ctx() ctx: OrdoContext): SourcingStrategyInfo[] {
    can(ctx, admin('settings'));
    return ctx.app.service(SourcingService).list().map((s) => ({ code: s.code, description: s.description ?? null }));
  }

  @Mutation(() => Channel, { description: "Admin (settings): the channel's sourcing strategy, by code (sourcingStrategies)." })
  setChannelSourcing(@Arg('channelCode') channelCode: string, @Arg('strategy') strategy: string, @Ctx() ctx: OrdoContext): Promise<Channel> {
    const { em } = can(ctx, admin('settings'));
    ctx.app.service(SourcingService).check(strategy);
    return ctx.app.service(ChannelService).setSourcingStrategy(em, channelCode, strategy);
  }

  @Query(() => [RegionDistance], { description: 'Admin (settings): the region distance table.' })
  regionDistances(@Ctx() ctx: OrdoContext): Promise<RegionDistance[]> {
    return can(ctx, admin('settings')).em.find(RegionDistance, {}, { orderBy: { fromRegion: 'asc', toRegion: 'asc' } });
  }

  @Mutation(() => [RegionDistance], { description: 'Admin (settings): sets (or, with a null distance, removes) entries of the region distance table; the whole table is returned.' })
  async setRegionDistances(
    @Arg('distances', () => [RegionDistanceInput]) distances: RegionDistanceInput[],
    @Ctx() ctx: OrdoContext,
  ): Promise<RegionDistance[]> {
    const { em } = can(ctx, admin('settings'));
    if (distances.length > 1000) throw badInput('At most 1,000 distances at once.', 'distances');
    const norm = (r: string) => r.trim().toUpperCase();
    await em.transactional(async (tx) => {
      for (const d of distances) {
        const key = { fromRegion: norm(d.fromRegion), toRegion: norm(d.toRegion) };
        const found = await tx.findOne(RegionDistance, key);
        if (d.distance === null || d.distance === undefined) {
          if (found) tx.remove(found);
        } else if (found) found.distance = d.distance;
        else tx.persist(tx.create(RegionDistance, { ...key, distance: d.distance }));
      }
    });
    ctx.app.service(SourcingService).forget();
    return em.find(RegionDistance, {}, { orderBy: { fromRegion: 'asc', toRegion: 'asc' } });
  }
}
