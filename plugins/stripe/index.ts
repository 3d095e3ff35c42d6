// stripe: card payments through Stripe (plugins/stripe/README.md). Written only against the public API
// (src/index.ts): it brings a payment provider, `stripe`, that storefronts name in placeOrder's payment.
import { definePlugin, paymentWebhookHandler } from '../../src/index.js';
import { checkOptions, stripeProvider, type StripeOptions } from './stripe-provider.js';

export type { StripeOptions } from './stripe-provider.js';

export function stripe(options: StripeOptions) {
  checkOptions(options);
  // The options (the secret key among them) stay in the provider's closure: not on the module.
  return definePlugin({
    name: 'stripe',
    providers: { payment: [stripeProvider(options)] },
    // Stripe's webhook endpoint (the engine's /payments/webhooks/stripe answers the same).
    routes: (router, app) => router.post('/webhooks/stripe', ...paymentWebhookHandler(app, 'stripe')),
  });
}
