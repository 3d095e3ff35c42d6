// Analytics (docs/analytics.md): rollup tables fed from the outbox events, per channel, local day and SKU,
// and the reports read from them.
import { defineModule } from '../kernel/module.js';
import { RollupEvent } from './rollup-event.entity.js';
import { joinHandlers } from './rollup-part.js';
import { salesPart } from './sales-part.js';
import { operationsPart } from './operations-part.js';

const parts = [salesPart, operationsPart];

export const analytics = defineModule({
  name: 'analytics',
  dependsOn: ['channels', 'catalog', 'orders', 'fulfillment', 'returns', 'payments'],
  entities: [RollupEvent, ...parts.flatMap((p) => p.entities)],
  resolvers: parts.flatMap((p) => p.resolvers),
  on: joinHandlers(parts),
  jobs: Object.assign({}, ...parts.map((p) => p.jobs ?? {})),
});
