// The shipment's life after routing: staff steps (pick, pack, ship), the workers' steps at autoFulfill
// locations, tracking from carriers, and cancellation with the order. Every method runs under the order
// lock (order-lock.ts) and reads the current state first: a job that finds its work done does nothing.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, adminIn, assertMayReadOrders, authorize, orderReader, orderStaff, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { Order } from '../order-core/order.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { Shipment } from './shipment.entity.js';
import { TrackingEvent } from './tracking-event.entity.js';
import { ShipmentStatus, TRACKING_STATUSES } from './shipment-status.js';
import { assertShipmentMove, canMoveShipment, moveShipment, pickAndPack, stageOf } from './shipment-moves.js';
import { withOrder, withShipment } from './order-lock.js';
import { followShipments, refreshEstimate } from './order-progress.js';
import { shipOut } from './ship-out.js';
import { automatedHandover } from './shipment-records.js';
import { isOpen } from './routing.js';

const S = ShipmentStatus;
const SYSTEM = 'system';

export interface TrackingReport {
  trackingNumber: string;
  status: ShipmentStatus;
  occurredAt?: Date | null;
  location?: string | null;
  description?: string | null;
  estimatedDeliveryAt?: Date | null;
}

/** Orders whose shipments must not move on: they are stopped for review or gone. */
function assertOrderActive(order: Order): void {
  if (order.status === OrderStatus.ON_HOLD) throw new OrdoError('INVALID_STATE_TRANSITION', `Order ${order.number} is on hold: release the hold first.`);
  if (order.status === OrderStatus.CANCELLED) throw new OrdoError('INVALID_STATE_TRANSITION', `Order ${order.number} is cancelled.`);
}
const orderActive = (order: Order) => order.status !== OrderStatus.ON_HOLD && order.status !== OrderStatus.CANCELLED && order.status !== OrderStatus.PENDING;

export class ShipmentService {
  constructor(private readonly app: AppRuntime) {}

  /** A shipment the principal may read (its order's customer, the order's token, staff), or null. */
  async readable(em: Em, principal: Principal, id: string): Promise<Shipment | null> {
    assertMayReadOrders(principal);
    const shipment = await em.findOne(Shipment, { id });
    if (!shipment) return null;
    const order = await em.findOneOrFail(Order, { id: shipment.order.id });
    authorize(principal, orderReader(order));
    return shipment;
  }

  // ------------------------------------------------------------------ staff

  async markPicked(em: Em, principal: Principal, id: string): Promise<Shipment> {
    authorize(principal, adminIn('orders'));
    return this.staffMove(em, principal, id, S.PICKED, 'Picked.');
  }

  async markPacked(em: Em, principal: Principal, id: string): Promise<Shipment> {
    authorize(principal, adminIn('orders'));
    return this.staffMove(em, principal, id, S.PACKED, 'Packed; a label is being bought.');
  }

  /** Handover to the carrier: stock leaves the location. A second call finds it SHIPPED and is refused. */
  async markShipped(em: Em, principal: Principal, id: string): Promise<Shipment> {
    authorize(principal, adminIn('orders'));
    const actor = actorName(principal);
    return withShipment(em, id, async (tx, order, s) => {
      authorize(principal, orderStaff(order));
      assertOrderActive(order);
      assertShipmentMove(s, S.SHIPPED);
      await shipOut(this.app, tx, order, s, actor, `Shipment ${s.id} handed over to ${s.carrierCode ?? 'the carrier'}${s.trackingNumber ? ` (${s.trackingNumber})` : ''}.`);
      await followShipments(this.app, tx, order, actor);
      return s;
    });
  }

  private staffMove(em: Em, principal: Principal, id: string, to: ShipmentStatus, message: string): Promise<Shipment> {
    const actor = actorName(principal);
    return withShipment(em, id, async (tx, order, s) => {
      authorize(principal, orderStaff(order));
      assertOrderActive(order);
      await moveShipment(this.app, tx, order, s, to, actor, `Shipment ${s.id}: ${message}`);
      await followShipments(this.app, tx, order, actor);
      return s;
    });
  }

  // ------------------------------------------------------------------ workers (autoFulfill locations)

  /** Job `fulfillment.advance`: at an autoFulfill location, PENDING → PICKED → PACKED. No-op otherwise. */
  async autoAdvance(em: Em, id: string, extra?: Record<string, unknown>): Promise<boolean> {
    return withShipment(em, id, async (tx, order, s) => {
      if (!orderActive(order) || !(await this.isAuto(tx, s))) return false;
      const moved = await pickAndPack(this.app, tx, order, s, extra);
      if (moved) await followShipments(this.app, tx, order, SYSTEM);
      return moved;
    });
  }

  /** Job `fulfillment.ship`: at an autoFulfill location, a LABELLED shipment is handed over. No-op otherwise. */
  async autoShip(em: Em, id: string, extra?: Record<string, unknown>): Promise<boolean> {
    return withShipment(em, id, async (tx, order, s) => {
      if (!(await this.shipsItself(tx, order, s))) return false;
      await this.handOver(tx, order, s, extra);
      await followShipments(this.app, tx, order, SYSTEM);
      return true;
    });
  }

  /** Whether an automated location hands this shipment over now (labelled, order active); `auto`: the location's flag, when known. */
  async shipsItself(tx: Em, order: Order, s: Shipment, auto?: boolean): Promise<boolean> {
    return orderActive(order) && !s.shippedAt && stageOf(s) === S.LABELLED && (auto ?? (await this.isAuto(tx, s)));
  }

  /** The automation's handover, inside the caller's transaction (shipsItself checked). */
  handOver(tx: Em, order: Order, s: Shipment, extra?: Record<string, unknown>): Promise<void> {
    return shipOut(this.app, tx, order, s, SYSTEM, automatedHandover(s.id, s.carrierCode, s.trackingNumber), new Date(), extra);
  }

  private async isAuto(tx: Em, s: Shipment): Promise<boolean> {
    const location = await tx.findOne(StockLocation, { id: s.location.id });
    return !!location?.autoFulfill;
  }

  /** Open shipments at autoFulfill locations of an order (to resume them when a hold is released). */
  async openAutoShipments(em: Em, orderId: string): Promise<Shipment[]> {
    const shipments = await em.find(Shipment, { order: orderId, location: { autoFulfill: true } });
    return shipments.filter(isOpen);
  }

  // ------------------------------------------------------------------ tracking

  /** recordTrackingEvent (staff). */
  async recordTracking(em: Em, principal: Principal, report: TrackingReport): Promise<Shipment> {
    authorize(principal, adminIn('orders'));
    const found = await this.track(em, report, actorName(principal), true, undefined, principal);
    if (!found) throw notFound(`A shipment with tracking number ${report.trackingNumber}`);
    return found;
  }

  /** A carrier webhook's events: unknown tracking numbers and repeats are skipped, never an error (the carrier would resend forever). */
  async ingestCarrierEvents(em: Em, carrierCode: string, reports: TrackingReport[]): Promise<number> {
    let applied = 0;
    for (const r of reports) {
      const s = await this.track(em, r, `carrier ${carrierCode}`, false, carrierCode);
      if (s) applied++;
      else this.app.log.warn({ carrierCode, trackingNumber: r.trackingNumber }, 'tracking event for an unknown shipment skipped');
    }
    return applied;
  }

  /**
   * Appends the event and moves the shipment when the event is newer than what it knows and the move is
   * allowed. A carrier scan of a parcel nobody marked shipped is the handover: its stock is moved then.
   * The same event twice (same status and time) is recorded once.
   */
  private async track(em: Em, r: TrackingReport, actor: string, strict: boolean, carrierCode?: string, staff?: Principal): Promise<Shipment | null> {
    if (!TRACKING_STATUSES.has(r.status)) throw badInput(`Tracking reports ${[...TRACKING_STATUSES].join(', ')}; ${r.status} is a warehouse step.`, 'status');
    const trackingNumber = r.trackingNumber.trim();
    if (!trackingNumber) throw badInput('trackingNumber is empty.', 'trackingNumber');
    const candidates = await em.find(Shipment, { trackingNumber, ...(carrierCode ? { carrierCode } : {}) }, { orderBy: { createdAt: 'desc' }, limit: 1 });
    if (!candidates.length) return null;
    return withShipment(em, candidates[0].id, async (tx, order, s) => {
      if (staff) authorize(staff, orderStaff(order));
      if (s.status === S.CANCELLED) {
        if (strict) throw new OrdoError('INVALID_STATE_TRANSITION', `Shipment ${s.id} is cancelled.`);
        return s;
      }
      const at = r.occurredAt ?? new Date();
      const known = await tx.find(TrackingEvent, { shipment: s.id }, { orderBy: { at: 'desc' } });
      if (known.some((e) => e.status === r.status && e.at.getTime() === at.getTime())) return s;
      tx.persist(tx.create(TrackingEvent, { shipment: s, status: r.status, at, location: r.location ?? null, description: r.description ?? null }));
      if (r.estimatedDeliveryAt) s.estimatedDeliveryAt = r.estimatedDeliveryAt;

      const stale = known.length > 0 && known[0].at.getTime() > at.getTime();
      const where = r.location ? ` at ${r.location}` : '';
      const text = `Shipment ${s.id} (${s.trackingNumber}): ${r.status}${where}${r.description ? ` (${r.description})` : ''}.`;
      if (!stale && s.status !== r.status) {
        if (!s.shippedAt && r.status !== S.EXCEPTION && orderActive(order) && canMoveShipment(s, S.SHIPPED)) {
          await shipOut(this.app, tx, order, s, actor, `Shipment ${s.id} picked up by the carrier (first scan).`, at);
        }
        if (s.status !== r.status && (s.shippedAt || r.status === S.EXCEPTION) && canMoveShipment(s, r.status)) {
          if (r.status === S.DELIVERED) s.deliveredAt = at;
          await moveShipment(this.app, tx, order, s, r.status, actor, text, at);
        }
      }
      await refreshEstimate(tx, order);
      await followShipments(this.app, tx, order, actor);
      return s;
    });
  }

  // ------------------------------------------------------------------ cancellation

  /** On `order.cancelled`: shipments that have not left are cancelled (the order released their stock). */
  async cancelOpen(em: Em, orderId: string): Promise<number> {
    return withOrder(em, orderId, async (tx, order) => {
      if (order.status !== OrderStatus.CANCELLED) return 0;
      const shipments = (await tx.find(Shipment, { order: orderId })).filter(isOpen);
      for (const s of shipments) await moveShipment(this.app, tx, order, s, S.CANCELLED, SYSTEM, `Shipment ${s.id} cancelled with the order.`);
      return shipments.length;
    });
  }
}
