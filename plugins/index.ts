// The first-party plugins, each a factory taking its options (see its README); with the defaults they
// make schema/schema.plugins.graphql, which shows what they add. An engine enables plugins in ordo.config.
import type { OrdoModule } from '../src/index.js';
import { fraudScreen } from './fraud-screen/index.js';
import { loyalty } from './loyalty/index.js';
import { webhooks } from './webhooks/index.js';

export function firstPartyPlugins(): OrdoModule[] {
  return [webhooks(), loyalty(), fraudScreen()];
}
