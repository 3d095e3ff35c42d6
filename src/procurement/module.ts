// Procurement: suppliers, the SKUs they sell, and purchase orders from DRAFT to RECEIVED. Stock arrives
// through the ledger (purchase-order-receiving.ts) with the same stock.changed event adjustStock records,
// so fulfillment serves backorders from it without procurement knowing fulfillment.
import { defineModule, onlyWhen, type DomainEvent, type EventHandler, type JobContext } from '../kernel/module.js';
import type { Em } from '../kernel/db/orm.js';
import { BackorderEta } from './backorder-eta.js';
import { StockLevelIncomingFields, VariantIncomingFields } from './incoming.resolver.js';
import { PurchaseOrderDocuments } from './purchase-order-documents.js';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity.js';
import { PurchaseOrderLineFields, PurchaseOrderResolver } from './purchase-order.resolver.js';
import { purchaseOrderMachine } from './purchase-order-status.js';
import { Supplier, SupplierItem } from './supplier.entity.js';
import { SupplierItemFields, SupplierResolver } from './supplier.resolver.js';

const poId = (e: DomainEvent) => String((e.payload as { purchaseOrderId?: unknown }).purchaseOrderId ?? '');
const followEta: EventHandler = async (e: DomainEvent, ctx: JobContext) => {
  await ctx.app.service(BackorderEta).follow(ctx.em as Em, poId(e));
};

export const procurement = defineModule({
  name: 'procurement',
  dependsOn: ['catalog', 'channels', 'documents', 'inventory', 'notifications', 'orders', 'shipping'],
  entities: [Supplier, SupplierItem, PurchaseOrder, PurchaseOrderLine],
  machines: [purchaseOrderMachine],
  resolvers: [SupplierResolver, SupplierItemFields, PurchaseOrderResolver, PurchaseOrderLineFields, StockLevelIncomingFields, VariantIncomingFields],
  on: {
    'purchase_order.sent': [(e, ctx) => ctx.app.service(PurchaseOrderDocuments).mailToSupplier(e, ctx), followEta],
    'purchase_order.expected_changed': [(e, ctx) => ctx.app.service(PurchaseOrderDocuments).redraw(e, ctx), followEta],
    // A sent order withdrawn: its units no longer come, the dates follow what still does.
    'purchase_order.cancelled': onlyWhen((e) => (e.payload as { wasSent?: boolean }).wasSent === true, followEta),
  },
  onStart: async (app) => app.service(PurchaseOrderDocuments).register(),
});
