import { defineModule } from '../kernel/module.js';
import { ChannelConnection } from './channel-connection.entity.js';
import { ChannelPush } from './channel-push.entity.js';
import { ChannelSyncResolver, ChannelConnectionField, ChannelConnectionFields } from './channel-sync.resolver.js';
import { ConnectorService } from './connector.service.js';
import { ChannelPoll, CHANNELS_QUEUE } from './channel-poll.js';
import { channelPushHandlers } from './channel-pushes.js';
import { StockSync, stockSyncHandlers } from './stock-sync.js';
import { ChannelStock } from './channel-stock.entity.js';
import { mergeHandlers } from '../kernel/module.js';
import type { Em } from '../kernel/db/orm.js';
import type { ChannelConnector } from './connector.js';
import { fileImportRoutes } from './file-import.route.js';

export const channelSync = defineModule({
  name: 'channel-sync',
  dependsOn: ['order-import', 'fulfillment', 'payments'],
  // `providers.channelConnector: [...]`: each connector's code becomes a connectChannel(connector:).
  providerKinds: [{
    key: 'channelConnector', many: true, label: 'channel connectors', required: [],
    optional: ['checkConfig', 'pullOrders', 'acknowledge', 'pushShipment', 'pushCancellation', 'pushRefund', 'pushStock'],
    install: (app, c: ChannelConnector) => app.service(ConnectorService).register(c),
  }],
  entities: [ChannelConnection, ChannelPush, ChannelStock],
  resolvers: [ChannelSyncResolver, ChannelConnectionField, ChannelConnectionFields],
  jobs: {
    'channels.poll': { queue: CHANNELS_QUEUE, handler: (data: { channelId: string }, ctx) => ctx.app.service(ChannelPoll).poll(ctx.em as never, data.channelId) },
    // The tick: a poll of every connected channel.
    'channels.pollAll': {
      queue: CHANNELS_QUEUE,
      handler: async (_data, ctx) => {
        const rows = await ctx.em.fork().getConnection().execute('SELECT channel_id FROM channel_connection');
        for (const r of rows as { channel_id: string }[]) await ctx.app.service(ChannelPoll).schedule(r.channel_id);
        // Also the stock sync's safety net: what a missed trigger left different is pushed now.
        await ctx.app.service(StockSync).scheduleAll(ctx.em as Em, true);
      },
    },
    'channels.syncStock': { queue: CHANNELS_QUEUE, handler: (data: { channelId: string }, ctx) => ctx.app.service(StockSync).sync(ctx.em as Em, data.channelId) },
  },
  repeatable: {
    'channels.pollAll': { everyMs: (config) => config.channelPollMs, queue: CHANNELS_QUEUE },
  },
  routes: fileImportRoutes,
  on: mergeHandlers(channelPushHandlers, stockSyncHandlers),
  // Which channels take stock, before the first event is relayed; then every few seconds, so a channel
  // connected through another process is heard of (the poll tick catches up what was missed meanwhile).
  onStart: async (app) => {
    await app.service(StockSync).refresh(app.orm.em.fork() as Em);
    app.service(StockSync).watch(Math.max(app.config.referenceCacheMs, 5_000));
  },
  onStop: async (app) => app.service(StockSync).unwatch(),
});
