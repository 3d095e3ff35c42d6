// easypost: real shipping labels, live rates and tracking through EasyPost (plugins/easypost/README.md).
// Written only against the public API (src/index.ts): it brings the carrier `easypost`, which shipping
// methods name as their carrierCode. Tracking webhooks arrive at the engine's /webhooks/carriers/easypost.
import { definePlugin } from '../../src/index.js';
import { EasyPostCarrier, checkOptions, type EasyPostOptions } from './easypost-carrier.js';
import { EasyPostLabel } from './entities.js';
import { migrations } from './migrations/index.js';

export type { EasyPostOptions } from './easypost-carrier.js';
export { EasyPostLabel } from './entities.js';

/** The plugin's tables, for `npm run migration:create -- --plugin easypost` (the factory needs an API key). */
export const tables = definePlugin({ name: 'easypost', entities: [EasyPostLabel], migrations });

export function easypost(options: EasyPostOptions) {
  checkOptions(options);
  // The options (the API key among them) stay in the provider: not on the module.
  const carrier = new EasyPostCarrier(options);
  return definePlugin({
    ...tables,
    providers: { carrier: [carrier] },
    onStart: async (app) => carrier.attach(app),
  });
}
