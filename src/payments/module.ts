import { assertMayReadOrders, authorize, orderReader } from '../kernel/auth.js';
import { defineModule } from '../kernel/module.js';
import { Payment } from './payment.entity.js';
import { PaymentOperation } from './payment-operation.entity.js';
import { PaymentResolver } from './payment.resolver.js';
import { paymentHandlers, paymentJobs } from './capture-jobs.js';
import { refundHandlers, refundJobs } from './cancellation-refunds.js';
import { shipmentCaptureHandlers, shipmentCaptureJobs } from './shipment-captures.js';
import { mergeHandlers } from '../kernel/module.js';
import { paymentWebhookRoutes } from './webhook.route.js';
import { PaymentService, paymentMachine } from './payment.service.js';
import type { PaymentProvider } from './payment-provider.js';

export const payments = defineModule({
  name: 'payments',
  machines: [paymentMachine],
  // `providers.payment: [...]`: each provider's code becomes a PaymentInput.method (a built-in code is replaced).
  providerKinds: [{
    key: 'payment', many: true, label: 'payment providers',
    required: ['authorize', 'capture', 'void', 'refund'], optional: ['validate', 'webhook'],
    install: (app, p: PaymentProvider) => app.service(PaymentService).register(p),
  }],
  entities: [Payment, PaymentOperation],
  resolvers: [PaymentResolver],
  nodes: {
    pay: async (ctx, id) => {
      assertMayReadOrders(ctx.principal);
      const payment = await ctx.em.findOne(Payment, { id }, { populate: ['order'] });
      if (payment) authorize(ctx.principal, orderReader(payment.order));
      return payment;
    },
  },
  jobs: { ...paymentJobs, ...refundJobs, ...shipmentCaptureJobs },
  on: mergeHandlers(paymentHandlers, refundHandlers, shipmentCaptureHandlers),
  repeatable: {
    'payments.retryPendingRefunds': { everyMs: (config) => config.housekeepingEveryMs, queue: 'payments' },
  },
  routes: paymentWebhookRoutes,
});
