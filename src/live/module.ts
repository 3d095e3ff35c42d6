// Live updates: subscriptions over graphql-ws, fed by one per-process fan-out of the outbox's pub/sub topic.
import { defineModule } from '../kernel/module.js';
import { EventFanOut } from './fan-out.js';
import { LiveResolver } from './live.resolver.js';

export const live = defineModule({
  name: 'live',
  dependsOn: ['orders', 'fulfillment', 'inventory', 'auth'],
  resolvers: [LiveResolver],
  // With Redis, API processes listen to the topic from the start, so the first subscriber does not wait for
  // Redis. In process, subscribing is immediate: the fan-out starts with the first subscriber, and until
  // then an event costs nothing here (pub/sub hands it to no one).
  onStart: async (app) => {
    if (app.config.runApi && app.config.redisUrl) app.service(EventFanOut).startWhenReady();
  },
  onStop: async (app) => {
    await app.service(EventFanOut).stop();
  },
});
