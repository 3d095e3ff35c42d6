// Click & collect after routing (docs/click-and-collect.md). A pickup order's units are reserved at its
// store (orders/pickup.ts), so routing makes its one shipment there as for any order. Staff mark it
// READY_FOR_PICKUP (the buyer gets a code by mail or SMS and on their live subscription); at the counter
// `confirmPickup(code)` hands it over as a carrier's handover would (ship-out.ts: stock out through the
// ledger, SHIPPED, captures by the channel's policy) and delivers it at once. Housekeeping cancels what is
// not collected within config.pickupWindowDays (housekeeping.ts), settled by the order's own cancel.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, adminIn, authorize, orderStaff, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { assertShipmentMove, moveShipment } from './shipment-moves.js';
import { withShipment } from './order-lock.js';
import { followShipments } from './order-progress.js';
import { shipOut } from './ship-out.js';
import { isOpen } from './routing.js';
import { hashPickupCode, normalizePickupCode, pickupCodeMatches, pickupCodeOf, PICKUP_CODE_LENGTH } from './pickup-code.js';

const S = ShipmentStatus;
const WRONG_CODE = 'No order waits for pickup with this code: check it with the customer.';

/** Orders whose shipments may move on (not paused, not gone, paid or authorized). */
function assertActive(order: Order): void {
  if (order.status === OrderStatus.ON_HOLD || order.status === OrderStatus.CANCELLED || order.status === OrderStatus.PENDING) {
    throw new OrdoError('INVALID_STATE_TRANSITION', `Order ${order.number} is ${order.status}: its shipment cannot move on.`);
  }
}

export class PickupService {
  constructor(private readonly app: AppRuntime) {}

  /** The pickup code of a shipment marked ready (for its buyer's mail, SMS and live event); null otherwise. */
  codeOf(s: Pick<Shipment, 'id' | 'readyForPickupAt' | 'status'>): string | null {
    return s.readyForPickupAt && s.status === S.READY_FOR_PICKUP ? pickupCodeOf(this.app.secret, s.id, s.readyForPickupAt) : null;
  }

  /** markReadyForPickup: by the shipment, or by the order (its one open shipment at the store). */
  async markReady(em: Em, principal: Principal, ref: { shipmentId?: string | null; orderId?: string | null }): Promise<Shipment> {
    authorize(principal, adminIn('orders'));
    if (!!ref.shipmentId === !!ref.orderId) throw badInput('Give shipmentId or orderId, not both.', ref.shipmentId ? 'orderId' : 'shipmentId');
    const id = ref.shipmentId ?? (await this.openShipmentOf(em, ref.orderId!));
    const actor = actorName(principal);
    return withShipment(em, id, async (tx, order, s) => {
      authorize(principal, orderStaff(order));
      assertActive(order);
      if (!order.pickupLocation) throw badInput(`Order ${order.number} is delivered by a carrier, not collected at a store.`, ref.shipmentId ? 'shipmentId' : 'orderId');
      if (s.location.id !== order.pickupLocation.id) {
        throw badInput(`Shipment ${s.id} is at another location than the order's store: it cannot be collected there.`, 'shipmentId');
      }
      assertShipmentMove(s, S.READY_FOR_PICKUP);
      const store = await tx.findOneOrFail(StockLocation, { id: s.location.id });
      // Two ready shipments with one code (1 in 2^40 per pair) would make a code ambiguous: take the next instant.
      let at = new Date();
      while (await tx.count(Shipment, { pickupCodeHash: hashPickupCode(pickupCodeOf(this.app.secret, s.id, at)), status: S.READY_FOR_PICKUP })) at = new Date(at.getTime() + 1);
      s.readyForPickupAt = at;
      s.pickupCodeHash = hashPickupCode(pickupCodeOf(this.app.secret, s.id, at));
      // No code in the event: notifications and live derive it (codeOf) for the buyer alone.
      await moveShipment(this.app, tx, order, s, S.READY_FOR_PICKUP, actor, `Shipment ${s.id}: ready for pickup at ${store.name}.`, at, {
        pickupLocation: { code: store.code, name: store.name },
        message: `Order ${order.number} is ready for pickup at ${store.name}.`,
      });
      await followShipments(this.app, tx, order, actor);
      return s;
    });
  }

  /**
   * confirmPickup: the customer's code at the counter. A wrong code changes nothing (BAD_USER_INPUT on
   * `code`); the right one hands the shipment over (SHIPPED, stock out) and delivers it in one step.
   */
  async confirm(em: Em, principal: Principal, code: string, key?: string | null): Promise<Shipment> {
    authorize(principal, adminIn('orders'));
    checkIdempotencyKey(key);
    const typed = normalizePickupCode(code ?? '');
    if (typed.length !== PICKUP_CODE_LENGTH) throw badInput(WRONG_CODE, 'code');
    const hash = hashPickupCode(typed);
    // A waiting shipment first; else the last one with this code (a repeat of a confirmed pickup).
    const found = (await em.findOne(Shipment, { pickupCodeHash: hash, status: S.READY_FOR_PICKUP }))
      ?? (await em.findOne(Shipment, { pickupCodeHash: hash }, { orderBy: { readyForPickupAt: 'desc' } }));
    if (!found) throw badInput(WRONG_CODE, 'code');
    const actor = actorName(principal);
    return withShipment(em, found.id, async (tx, order, s) => {
      authorize(principal, orderStaff(order));
      return once(tx, `confirmPickup:${keyOwner(principal)}`, key, { code: hash }, async () => {
        if (!pickupCodeMatches(s.pickupCodeHash, typed)) throw badInput(WRONG_CODE, 'code');
        if (s.status === S.DELIVERED) throw new OrdoError('INVALID_STATE_TRANSITION', `Order ${order.number} was collected already.`, { from: s.status, to: S.DELIVERED });
        if (s.status !== S.READY_FOR_PICKUP) throw badInput(WRONG_CODE, 'code');
        assertActive(order);
        const at = new Date();
        // The handover every shipment has (stock out through the ledger, SHIPPED, the capture it triggers)...
        await shipOut(this.app, tx, order, s, actor, `Shipment ${s.id} collected by the customer at the store (pickup code confirmed).`, at);
        // ...and the delivery a carrier would report later: the customer has it in hand.
        s.deliveredAt = at;
        await moveShipment(this.app, tx, order, s, S.DELIVERED, actor, `Shipment ${s.id} handed over at the store.`, at);
        await followShipments(this.app, tx, order, actor);
        return s;
      }, (id) => tx.findOneOrFail(Shipment, { id }));
    });
  }

  private async openShipmentOf(em: Em, orderId: string): Promise<string> {
    const open = (await em.find(Shipment, { order: orderId }, { orderBy: { id: 'asc' } })).filter((s) => isOpen(s) && s.status !== S.READY_FOR_PICKUP);
    if (open.length !== 1) {
      throw badInput(open.length ? `Order ${orderId} has ${open.length} open shipments: give the shipmentId.` : `Order ${orderId} has no shipment waiting to be made ready (not routed yet, or ready already).`, 'orderId');
    }
    return open[0].id;
  }
}
