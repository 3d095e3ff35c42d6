// The public API for plugin authors: a plugin imports from this file only. Everything else under src/
// is the engine's own and may change without notice.
import type { OrdoFileConfig as FileConfig } from './config-file.js';
import type { PaymentProvider } from './payments/payment-provider.js';
import type { CarrierProvider } from './fulfillment/carriers/carrier.js';
import type { ChannelConnector } from './channel-sync/connector.js';
import type { SourcingStrategy } from './sourcing/strategy.js';
import type { DocumentStore } from './documents/document-store.js';
import type { EmailSender, SmsProvider } from './notifications/providers.js';

// Modules and plugins
export { defineModule, definePlugin } from './kernel/module.js';
export type { OrdoModule, PluginMigrations, DomainEvent, JobContext, EventHandler, JobHandler, JobDefinition } from './kernel/module.js';
export type { TransitionGuard, TransitionContext, TransitionResult } from './kernel/state-machine.js';
export type { AppRuntime } from './kernel/runtime.js';
export type { OrdoConfig } from './config.js';
export type { Logger } from './kernel/logger.js';
export type { QueueDriver, JobOptions, QueueJob } from './kernel/queue/queue.js';
export { backoffDelay } from './kernel/queue/queue.js';
export type { Em } from './kernel/db/orm.js';
export type { SqlRunner } from './kernel/db/sql-runner.js';
// What differs between PostgreSQL and SQLite (datetimes as parameters, row locks, ...): dialectOf(db).
export { dialectOf } from './kernel/db/dialect.js';
export type { Dialect, DialectName } from './kernel/db/dialect.js';

// Request context and authorization
export type { OrdoContext } from './kernel/context.js';
export { can, loader } from './kernel/context.js';
export { authorize, admin, adminIn, orderStaff, orderReader, signedInCustomer, isAdmin, canReadOrder, channelScope, inChannelScope, mayReadOrders, actorName } from './kernel/auth.js';
export type { Principal, AdminPrincipal, AdminRole, Need, OrderRef } from './kernel/auth.js';

// Errors, loaders, events, ids, money
export { OrdoError, badInput, notFound, isOrdoError } from './kernel/errors.js';
export type { ErrorCode } from './kernel/errors.js';
export { manyBy, oneBy } from './kernel/loaders.js';
export { pageHeaders } from './kernel/page-headers.js';
export type { PageHeaderOptions } from './kernel/page-headers.js';
export { recordEvent } from './kernel/outbox/record-event.js';
export { domainEventStream } from './kernel/outbox/event-stream.js';
export { newId, idPrefix, randomToken } from './kernel/ids.js';
export { MAX_AMOUNT, assertAmount, percentToBasisPoints, basisPointsToPercent, taxOf, taxIncluded, priceLine, priceShipping, orderTotals, currencyExponent, formatMoney } from './kernel/money.js';
export type { PricedLine, OrderTotals } from './kernel/money.js';
export { MoneyScalar, DateTimeScalar, PageInfo, connectionOf } from './kernel/graphql-types.js';
export { pageOf, pageSize, decodeCursor, encodeCursor, toPage, MAX_PAGE } from './kernel/pagination.js';
export type { Page } from './kernel/pagination.js';

// The pricing step of placeOrder (discounts: loyalty points, coupons)
export type { PricingStep, PricingInput, DiscountRequest, OrderDiscountRecord, PricedOrderLine } from './kernel/pricing.js';

// Core entities and types a plugin adds fields on or reads
export { Order } from './order-core/order.entity.js';
export { OrderStatus } from './order-core/order-status.js';
export { Address } from './order-core/address.js';
export { Customer } from './customers/customer.entity.js';
export { Payment } from './payments/payment.entity.js';
export { paymentWebhookHandler } from './payments/webhook.route.js';
export { PaymentStatus } from './order-core/payment-status.js';
export { ProductVariant } from './catalog/variant.entity.js';

// Provider interfaces
export type { PaymentProvider } from './payments/payment-provider.js';
export type { CarrierProvider } from './fulfillment/carriers/carrier.js';
export type { ChannelConnector, ConnectorContext, PulledPage, ShipmentPush, RefundPush, CancellationPush } from './channel-sync/connector.js';
export { ChannelUnavailable } from './channel-sync/connector.js';
export type { SourcingStrategy, SourcingContext, SourcingPlan, SourcingLocation, SourcingDestination } from './sourcing/strategy.js';
export type { ImportOrderInput } from './order-import/import.inputs.js';
export type { DocumentStore } from './documents/document-store.js';
export type { AuthorizeRequest, AuthorizeResult, CaptureRequest, CaptureResult, RefundRequest, RefundResult, PaymentWebhookEvent } from './payments/payment-provider.js';
export type { LabelRequest, LabelAddress, Label, CarrierTrackingEvent, CarrierTrackingStatus } from './fulfillment/carriers/carrier.js';
export type { RateRequest, CarrierRate, Parcel, ShipAddress } from './shipping/shipping-rates.js';
export type { StoredDocument } from './documents/document-store.js';
export type { SmsProvider, OutgoingSms, EmailSender, OutgoingEmail, MailAttachment } from './notifications/providers.js';

/**
 * The providers a deployment (`providers` in ordo.config) or a plugin brings, by kind. Each kind is
 * declared by the module that owns it (`providerKinds`), which checks and installs it at start.
 */
export interface OrdoProviders {
  /** Payment providers; each `code` becomes a PaymentInput.method (a built-in code is replaced). */
  payment?: PaymentProvider[];
  /** Carriers; a shipping method names one by `carrierCode` (`sim` is built in and may be replaced). */
  carrier?: CarrierProvider[];
  /** The SMS transport (one: every SMS goes through it); default writes files to <data>/sms. */
  sms?: SmsProvider;
  /** The email transport (one); default SMTP_URL, else .eml files in <data>/mail. */
  email?: EmailSender;
  /** Where documents (labels, invoices, packing slips) are kept; default a folder in the data directory. */
  documentStore?: DocumentStore;
  /** Channel connectors (marketplaces, social shops, POS); each `code` becomes a connectChannel(connector:). */
  channelConnector?: ChannelConnector[];
  /** Sourcing strategies; each `code` becomes a choice of setChannelSourcing (a built-in code is replaced). */
  sourcingStrategy?: SourcingStrategy[];
}

// The configuration file (ordo.config.js)
export interface OrdoFileConfig extends Omit<FileConfig, 'providers'> {
  providers?: OrdoProviders;
}
export const defineConfig = (config: OrdoFileConfig): OrdoFileConfig => config;
