import { defineModule } from '../kernel/module.js';
import { RegionDistance } from './region-distance.entity.js';
import { SourcingResolver } from './sourcing.resolver.js';
import { SourcingService } from './sourcing.service.js';
import type { SourcingStrategy } from './strategy.js';

export const sourcing = defineModule({
  name: 'sourcing',
  dependsOn: ['channels', 'inventory'],
  // `providers.sourcingStrategy: [...]`: each strategy's code becomes a choice of setChannelSourcing.
  providerKinds: [{
    key: 'sourcingStrategy', many: true, label: 'sourcing strategies', required: ['plan'],
    install: (app, s: SourcingStrategy) => app.service(SourcingService).register(s),
  }],
  entities: [RegionDistance],
  resolvers: [SourcingResolver],
});
