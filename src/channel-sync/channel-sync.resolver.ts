// Connecting a channel to its connector, and asking for a pull now.
import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Order } from '../order-core/order.entity.js';
import type { OrdoContext } from '../kernel/context.js';
import { admin, adminIn, authorize, orderStaff } from '../kernel/auth.js';
import { JSONObjectScalar } from '../kernel/graphql-types.js';
import { notFound } from '../kernel/errors.js';
import { Channel } from '../channels/channel.entity.js';
import { ChannelConnection } from './channel-connection.entity.js';
import { ConnectorService } from './connector.service.js';
import { ChannelPoll } from './channel-poll.js';
import { StockSync } from './stock-sync.js';

@Resolver()
export class ChannelSyncResolver {
  @Mutation(() => ChannelConnection, {
    description: "Connects a channel to a connector (sim-marketplace, or a plugin's) with its settings (URL, credentials, page size); they are stored with the channel and never shown again. Orders are pulled every ORDO_CHANNEL_POLL_MS from then on; shipments, refunds and cancellations of its orders are pushed back.",
  })
  async connectChannel(
    @Arg('channelCode') channelCode: string,
    @Arg('connector') connector: string,
    @Arg('config', () => JSONObjectScalar, { validate: false }) config: Record<string, unknown>,
    @Arg('stockBuffer', () => Int, { nullable: true, description: 'Units of each SKU held back from the channel; 0 when left out.' }) stockBuffer: number | undefined,
    @Arg('stockSharePercent', () => Int, { nullable: true, description: 'The share of available stock the channel may sell (1–100); 100 when left out.' }) stockSharePercent: number | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ChannelConnection> {
    authorize(ctx.principal, admin('settings'));
    const connection = await ctx.app.service(ConnectorService).connect(ctx.em, channelCode, connector, config, { stockBuffer, stockSharePercent });
    // Tell it what it may sell now, and from now on after every stock move.
    await ctx.app.service(StockSync).scheduleAll(ctx.em, true);
    return connection;
  }

  @Mutation(() => ChannelConnection, { description: 'Queues a pull of the channel\'s new orders now (it waits out a backoff after failures).' })
  async syncChannel(@Arg('channelCode') channelCode: string, @Ctx() ctx: OrdoContext): Promise<ChannelConnection> {
    authorize(ctx.principal, adminIn('orders'));
    const connection = await ctx.em.findOne(ChannelConnection, { channel: { code: channelCode } }, { populate: ['channel'] });
    if (!connection) throw notFound(`A connection of channel "${channelCode}"`);
    authorize(ctx.principal, orderStaff({ channel: connection.channel }));
    await ctx.app.service(ChannelPoll).schedule(connection.channel.id);
    return connection;
  }
}

@Resolver(() => Channel)
export class ChannelConnectionField {
  @FieldResolver(() => ChannelConnection, { nullable: true, description: 'Its connector and where its pulls stand (staff with the settings or orders role).' })
  connection(@Root() channel: Channel, @Ctx() ctx: OrdoContext): Promise<ChannelConnection | null> {
    authorize(ctx.principal, adminIn('orders'));
    return ctx.em.findOne(ChannelConnection, { channel: channel.id });
  }
}

@Resolver(() => ChannelConnection)
export class ChannelConnectionFields {
  @FieldResolver(() => Int, { description: "The channel's orders with an externalId (imported, or placed with one)." })
  importedOrders(@Root() c: ChannelConnection, @Ctx() ctx: OrdoContext): Promise<number> {
    return ctx.em.count(Order, { channel: c.channel.id, externalId: { $ne: null } });
  }
}
