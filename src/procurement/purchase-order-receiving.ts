// A delivery arriving: its units booked into stock at the purchase order's location through the ledger
// (RECEIVED movements), the lines' received quantities and the order's status moved, all in one
// transaction under an idempotency key (a repeated call books nothing). Each SKU's `stock.changed` event
// is the one adjustStock records: fulfillment serves the waiting backorders from it, oldest order first.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { receive } from '../inventory/stock-ledger.js';
import { StockMovementReason } from '../inventory/stock-movement.entity.js';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity.js';
import { OPEN, PurchaseOrderStatus, purchaseOrderMachine } from './purchase-order-status.js';
import type { ReceiveLineInput } from './procurement.inputs.js';

export class PurchaseOrderReceiving {
  constructor(private readonly app: AppRuntime) {}

  async receive(em: Em, principal: Principal, id: string, lines: ReceiveLineInput[], idempotencyKey?: string | null): Promise<PurchaseOrder> {
    checkIdempotencyKey(idempotencyKey);
    if (!lines.length) throw badInput('lines is empty: name the SKUs that arrived and how many of each.', 'lines');
    const skus = lines.map((l) => l.sku);
    const twice = skus.findIndex((s, i) => skus.indexOf(s) !== i);
    if (twice >= 0) throw badInput(`${skus[twice]} is named twice: one line per SKU.`, `lines.${twice}.sku`);
    const scope = `receivePurchaseOrder:${keyOwner(principal)}`;
    const request = { id, lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) };
    const actor = principal.kind === 'admin' ? principal.name : 'system';
    await em.transactional((tx) => once(tx, scope, idempotencyKey, request, async () => {
      const po = await tx.findOne(PurchaseOrder, { id }, dialectOf(tx).lockedRead);
      if (!po) throw notFound('The purchase order');
      if (!(OPEN as readonly string[]).includes(po.status)) {
        throw new OrdoError('INVALID_STATE_TRANSITION', `Purchase order ${po.number} is ${po.status}: only a SENT or PARTIALLY_RECEIVED purchase order receives units.`, { from: po.status });
      }
      const rows = await tx.find(PurchaseOrderLine, { purchaseOrder: po.id });
      // Every line is checked before anything is booked: a refused delivery changes nothing.
      const plan = lines.map((l, i) => {
        const row = rows.find((r) => r.sku === l.sku);
        if (!row) throw badInput(`${l.sku} is not on purchase order ${po.number}.`, `lines.${i}.sku`);
        const open = Math.max(0, row.quantityOrdered - row.quantityReceived);
        if (l.quantity > open && !row.allowOverReceipt) {
          throw badInput(`${l.quantity} of ${l.sku} is more than purchase order ${po.number} still expects (${open}); allow over-receipt on the line to take more.`, `lines.${i}.quantity`);
        }
        return { row, quantity: l.quantity };
      });
      // In variant order, as placeOrder reserves: two transactions lock stock rows alike (no deadlock between them).
      for (const { row, quantity } of [...plan].sort((a, b) => (a.row.variant.id < b.row.variant.id ? -1 : 1))) {
        await receive(tx, { variantId: row.variant.id, sku: row.sku, locationId: po.location.id }, quantity, StockMovementReason.RECEIVED, { note: `Purchase order ${po.number}` });
        row.quantityReceived += quantity;
        recordEvent(tx, 'stock.changed', { sku: row.sku, variantId: row.variant.id, locationId: po.location.id, delta: quantity, reason: 'RECEIVED', purchaseOrderId: po.id }, row.variant.id);
      }
      const complete = rows.every((r) => r.quantityReceived >= r.quantityOrdered);
      const to = complete ? PurchaseOrderStatus.RECEIVED : PurchaseOrderStatus.PARTIALLY_RECEIVED;
      if (po.status !== to) await this.app.machines.get(purchaseOrderMachine).transition(tx, po, to, actor);
      if (complete) po.receivedAt = new Date();
      recordEvent(tx, 'purchase_order.received', {
        purchaseOrderId: po.id, number: po.number, status: po.status, actor,
        lines: plan.map((p) => ({ sku: p.row.sku, quantity: p.quantity })),
      }, po.id);
      await tx.flush();
      return { id: po.id };
    }, async (first) => ({ id: first })));
    return em.fork().findOneOrFail(PurchaseOrder, { id });
  }
}
