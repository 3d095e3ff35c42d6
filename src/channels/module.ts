import { defineModule } from '../kernel/module.js';
import { Channel } from './channel.entity.js';
import { ChannelResolver } from './channel.resolver.js';
import { ChannelService } from './channel.service.js';
import { NumberSequence } from './sequence.entity.js';

export const channels = defineModule({
  name: 'channels',
  entities: [Channel, NumberSequence],
  nodes: { ch: (ctx, id) => ctx.em.findOne(Channel, { id }) },
  resolvers: [ChannelResolver],
  onStart: async (app) => app.service(ChannelService).ensureDefault(app.orm.em.fork() as never),
});
