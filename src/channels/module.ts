import { defineModule } from '../kernel/module.js';
import { Channel } from './channel.entity.js';
import { ChannelResolver } from './channel.resolver.js';
import { ChannelService } from './channel.service.js';
import { NumberSequence } from './sequence.entity.js';

export const channels = defineModule({
  name: 'channels',
  entities: [Channel, NumberSequence],
  resolvers: [ChannelResolver],
  onStart: async (app) => app.service(ChannelService).ensureDefault(app.orm.em.fork() as never),
});
