// Order edits: begin (one OPEN edit per order at a time), collect changes, preview, commit or discard.
// Staff (orders role) may change lines and the shipping method; the buyer (order token or signed-in
// customer) may change the shipping address until a shipment is picked. Every call runs under the
// order's lock; the commit takes an idempotency key (kernel/idempotency.ts), and a committed edit can
// never be committed again.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, adminIn, assertMayReadOrders, authorize, isAdmin, orderReader, orderStaff, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import type { AddressInput } from '../order-core/address.js';
import { Order } from '../order-core/order.entity.js';
import { CHANGEABLE } from '../order-core/order-status.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { withOrder, withOrderPart } from '../order-core/order-lock.js';
import { MAX_LINE_QUANTITY } from '../orders/order.inputs.js';
import { editLookups, planEdit, type EditPlan } from './edit-plan.js';
import { commitEdit, type EditPayment } from './commit-edit.js';
import { OrderEdit, OrderEditLine, OrderEditStatus } from './order-edit.entity.js';

type Change = (tx: Em, edit: OrderEdit, order: Order) => Promise<void> | void;

export class OrderEditService {
  constructor(private readonly app: AppRuntime) {}

  async get(em: Em, principal: Principal, id: string): Promise<OrderEdit | null> {
    assertMayReadOrders(principal);
    const edit = await em.findOne(OrderEdit, { id }, { populate: ['order'] });
    if (!edit) return null;
    authorize(principal, orderReader(edit.order));
    return edit;
  }

  /** The order's OPEN edit, or a new one. */
  async begin(em: Em, principal: Principal, orderId: string): Promise<OrderEdit> {
    assertMayReadOrders(principal);
    return withOrder(em, orderId, async (tx, order) => {
      authorize(principal, orderReader(order));
      if (!CHANGEABLE.has(order.status)) throw new OrdoError('INVALID_STATE_TRANSITION', `Order ${order.number} is ${order.status}: it can no longer be edited.`, { from: order.status });
      const open = await tx.findOne(OrderEdit, { order: order.id, status: OrderEditStatus.OPEN });
      if (open) return open;
      const edit = tx.create(OrderEdit, { order, createdBy: actorName(principal) });
      tx.persist(edit);
      return edit;
    });
  }

  setQuantity(em: Em, principal: Principal, editId: string, orderLineId: string, quantity: number): Promise<OrderEdit> {
    return this.change(em, principal, editId, true, async (tx, edit, order) => {
      if (!Number.isSafeInteger(quantity) || quantity < 0 || quantity > MAX_LINE_QUANTITY) throw badInput(`quantity is 0 to ${MAX_LINE_QUANTITY} units.`, 'quantity');
      await lineOf(tx, order, orderLineId);
      edit.quantities = { ...edit.quantities, [orderLineId]: quantity };
    });
  }

  /** A SKU the order has adds to its line; a new one becomes a line at the catalog price. */
  addLine(em: Em, principal: Principal, editId: string, sku: string, quantity: number): Promise<OrderEdit> {
    return this.change(em, principal, editId, true, async (tx, edit, order) => {
      if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) throw badInput(`quantity is 1 to ${MAX_LINE_QUANTITY} units.`, 'quantity');
      const wanted = sku.trim();
      const line = await tx.findOne(OrderLine, { order: order.id, sku: wanted });
      if (line) {
        const now = edit.quantities[line.id] ?? line.quantity;
        if (now + quantity > MAX_LINE_QUANTITY) throw badInput(`quantity of ${wanted} must be at most ${MAX_LINE_QUANTITY}.`, 'quantity');
        edit.quantities = { ...edit.quantities, [line.id]: now + quantity };
        return;
      }
      const v = await tx.findOne(ProductVariant, { sku: wanted, active: true });
      if (!v) throw badInput(`Unknown or inactive SKU: ${wanted}.`, 'sku');
      if (v.currencyCode !== order.currencyCode) throw badInput(`SKU ${wanted} is not sold in ${order.currencyCode}.`, 'sku');
      const total = (edit.added[wanted] ?? 0) + quantity;
      if (total > MAX_LINE_QUANTITY) throw badInput(`quantity of ${wanted} must be at most ${MAX_LINE_QUANTITY}.`, 'quantity');
      edit.added = { ...edit.added, [wanted]: total };
    });
  }

  /** An order line (to 0 units), or an SKU this edit added. */
  removeLine(em: Em, principal: Principal, editId: string, orderLineId: string | null | undefined, sku: string | null | undefined): Promise<OrderEdit> {
    return this.change(em, principal, editId, true, async (tx, edit, order) => {
      if (!!orderLineId === !!sku) throw badInput('Give orderLineId (a line of the order) or sku (a line this edit added), not both.', orderLineId ? 'sku' : 'orderLineId');
      if (orderLineId) {
        await lineOf(tx, order, orderLineId);
        edit.quantities = { ...edit.quantities, [orderLineId]: 0 };
        return;
      }
      const { [sku!.trim()]: gone, ...rest } = edit.added;
      if (gone === undefined) throw badInput(`This edit adds no line of ${sku}.`, 'sku');
      edit.added = rest;
    });
  }

  setShippingAddress(em: Em, principal: Principal, editId: string, address: AddressInput): Promise<OrderEdit> {
    return this.change(em, principal, editId, false, (_tx, edit, order) => {
      // Click & collect: the order ships to its store, whose address never becomes the buyer's.
      if (order.pickupLocation) throw badInput(`Order ${order.number} is collected at its store: its shipping address is the store's and cannot change.`, 'shippingAddress');
      edit.shippingAddress = { line2: null, region: null, phone: null, ...address };
    });
  }

  setShippingMethod(em: Em, principal: Principal, editId: string, code: string): Promise<OrderEdit> {
    return this.change(em, principal, editId, true, (_tx, edit) => {
      edit.shippingMethodCode = code.trim();
    });
  }

  /** What the edit would do to the order as it is now; changes nothing. */
  async preview(em: Em, principal: Principal, editId: string): Promise<{ edit: OrderEdit; order: Order; plan: EditPlan }> {
    const edit = await this.get(em, principal, editId);
    if (!edit) throw notFound('The order edit');
    const order = await em.findOneOrFail(Order, { id: edit.order.id });
    return { edit, order, plan: await planEdit(em, order, edit, await editLookups(this.app, em, edit)) };
  }

  async commit(em: Em, principal: Principal, editId: string, payment: EditPayment | null, reason: string | null | undefined, key?: string | null): Promise<Order> {
    checkIdempotencyKey(key);
    assertMayReadOrders(principal);
    const why = (reason ?? '').trim();
    if (why.length > 500) throw badInput('reason is at most 500 characters.', 'reason');
    const staged = await em.fork().findOne(OrderEdit, { id: editId });
    if (!staged) throw notFound('The order edit');
    const looked = await editLookups(this.app, em, staged);
    return withOrderPart(em, OrderEdit, editId, 'The order edit', async (tx, order, edit) => {
      authorize(principal, orderReader(order));
      return once(tx, `commitOrderEdit:${keyOwner(principal)}`, key, { editId, payment, reason: why }, async () => {
        this.assertOpen(edit);
        if (edit.needsStaff() && !isAdmin(principal, 'orders')) throw new OrdoError('FORBIDDEN', 'Only staff can commit an edit that changes lines or the shipping method.');
        const plan = await planEdit(tx, order, edit, looked);
        await commitEdit(this.app, tx, order, edit, plan, payment, actorName(principal), why);
        edit.status = OrderEditStatus.COMMITTED;
        edit.committedAt = new Date();
        return order;
      }, (id) => tx.findOneOrFail(Order, { id }));
    });
  }

  discard(em: Em, principal: Principal, editId: string): Promise<OrderEdit> {
    return this.change(em, principal, editId, false, (_tx, edit) => {
      edit.status = OrderEditStatus.DISCARDED;
    });
  }

  /** The lines the order would have after the edit (OrderEdit.lines), from the order's lines now. */
  lines(edit: OrderEdit, lines: OrderLine[]): OrderEditLine[] {
    const out: OrderEditLine[] = lines.map((l) => ({ orderLineId: l.id, sku: l.sku, previousQuantity: l.quantity, quantity: edit.status === OrderEditStatus.OPEN ? (edit.quantities[l.id] ?? l.quantity) : l.quantity }));
    if (edit.status === OrderEditStatus.OPEN) for (const [sku, quantity] of Object.entries(edit.added)) out.push({ orderLineId: null, sku, previousQuantity: 0, quantity });
    return out;
  }

  /** One change of an OPEN edit, under its order's lock; `staffOnly` changes need the orders role. */
  private change(em: Em, principal: Principal, editId: string, staffOnly: boolean, apply: Change): Promise<OrderEdit> {
    if (staffOnly) authorize(principal, adminIn('orders'));
    else assertMayReadOrders(principal);
    return withOrderPart(em, OrderEdit, editId, 'The order edit', async (tx, order, edit) => {
      authorize(principal, staffOnly ? orderStaff(order) : orderReader(order));
      this.assertOpen(edit);
      await apply(tx, edit, order);
      return edit;
    });
  }

  private assertOpen(edit: OrderEdit): void {
    if (edit.status !== OrderEditStatus.OPEN) throw new OrdoError('INVALID_STATE_TRANSITION', `Order edit ${edit.id} is ${edit.status}: begin a new edit.`, { from: edit.status });
  }
}

async function lineOf(tx: Em, order: Order, orderLineId: string): Promise<OrderLine> {
  const line = await tx.findOne(OrderLine, { id: orderLineId, order: order.id });
  if (!line) throw badInput(`Order line ${orderLineId} is not a line of order ${order.number}.`, 'orderLineId');
  return line;
}
