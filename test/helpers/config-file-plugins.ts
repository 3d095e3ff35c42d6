// What test/integration/config-file.test.ts enables through an ordo.config file: a plugin that adds a
// field on Order (so type-graphql must bind it to the engine's own Order class) and in-memory providers
// the test can look into (the config file and the test import this one module, so they share them).
import { FieldResolver, Resolver, Root } from 'type-graphql';
import { definePlugin, Order, type CarrierProvider, type DocumentStore, type OutgoingSms, type PaymentProvider, type SmsProvider } from '../../src/index.js';

export function orderNote(options: { prefix: string }) {
  @Resolver(() => Order)
  class OrderNoteResolver {
    @FieldResolver(() => String, { description: 'order-note plugin (tests).' })
    configNote(@Root() order: Order): string {
      return `${options.prefix} ${order.number}`;
    }
  }
  return definePlugin({ name: 'order-note', resolvers: [OrderNoteResolver] });
}

export const paymentCalls: string[] = [];
export const acmePay: PaymentProvider = {
  code: 'acme-pay',
  async authorize(req) {
    paymentCalls.push(`authorize ${req.amount} ${req.token}`);
    return { outcome: 'authorized', transactionId: `acme_auth_${req.idempotencyKey.length}` };
  },
  async capture() {
    return { outcome: 'captured', transactionId: 'acme_cap' };
  },
  async void() {},
  async refund() {
    return { outcome: 'succeeded', transactionId: 'acme_ref' };
  },
};

let labels = 0;
export const acmePost: CarrierProvider = {
  code: 'acme-post',
  async createLabel(req) {
    const trackingNumber = `ACME${String(++labels).padStart(6, '0')}`;
    return { trackingNumber, trackingUrl: `https://track.acme.example/${trackingNumber}`, pdf: Buffer.from(`%PDF-1.4 acme label ${req.shipmentId}`) };
  },
  async cancelLabel() {},
  async parseWebhook() {
    return [];
  },
};

export const smsSent: OutgoingSms[] = [];
export const memorySms: SmsProvider = {
  code: 'memory-sms',
  async send(sms) {
    smsSent.push(sms);
    return { providerMessageId: `m-${smsSent.length}` };
  },
};

export const documents = new Map<string, { data: Buffer; contentType: string }>();
export const memoryStore: DocumentStore = {
  async put(key, data, contentType) {
    documents.set(key, { data, contentType });
  },
  async get(key) {
    return documents.get(key) ?? null;
  },
};
