// One status move of a shipment: checked by the machine, written to the order's history and recorded as
// a `shipment.<status>` event in the same transaction.
import type { Em } from '../kernel/db/orm.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { OrdoError } from '../kernel/errors.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import type { Order } from '../order-core/order.entity.js';
import { addHistory } from '../order-core/order-history.js';
import type { Shipment } from './shipment.entity.js';
import { ShipmentStatus, shipmentMachine } from './shipment-status.js';
import { automatedStep, shipmentMoved } from './shipment-records.js';

/** The status a shipment is really at: the one it had before an EXCEPTION, if it is in one. */
export function stageOf(s: Shipment): ShipmentStatus {
  return s.status === ShipmentStatus.EXCEPTION && s.exceptionFrom ? s.exceptionFrom : s.status;
}

/** Whether the shipment may move to `to` now (from an EXCEPTION: as if from where it stood before). */
export function canMoveShipment(s: Shipment, to: ShipmentStatus): boolean {
  if (!shipmentMachine.canMove(s.status, to)) return false;
  if (s.status !== ShipmentStatus.EXCEPTION || !s.exceptionFrom) return true;
  return to === s.exceptionFrom || to === ShipmentStatus.CANCELLED || shipmentMachine.canMove(s.exceptionFrom, to);
}

export function assertShipmentMove(s: Shipment, to: ShipmentStatus): void {
  if (!canMoveShipment(s, to)) {
    const from = s.status === ShipmentStatus.EXCEPTION && s.exceptionFrom ? `${s.status} (from ${s.exceptionFrom})` : s.status;
    throw new OrdoError('INVALID_STATE_TRANSITION', `A shipment that is ${from} cannot become ${to}.`, { from: s.status, to });
  }
}

export async function moveShipment(app: AppRuntime, tx: Em, order: Order, s: Shipment, to: ShipmentStatus, actor: string, message: string, at = new Date(), extra: Record<string, unknown> = {}): Promise<void> {
  assertShipmentMove(s, to);
  const from = s.status;
  await app.machines.get(shipmentMachine).transition(tx, s, to, actor);
  s.exceptionFrom = to === ShipmentStatus.EXCEPTION ? (from === ShipmentStatus.EXCEPTION ? s.exceptionFrom : from) : null;
  s.statusChangedAt = at;
  const moved = shipmentMoved(order, { id: s.id, locationId: s.location.id, trackingNumber: s.trackingNumber ?? null }, from, to, actor, message, extra);
  addHistory(tx, order, moved.history);
  recordEvent(tx, moved.event.type, moved.event.payload, order.id);
}

/**
 * What an automated location does at once: PENDING → PICKED → PACKED, inside the caller's transaction
 * (order locked and active, location automated; `extra` joins the events' payloads). Whether it moved.
 */
export async function pickAndPack(app: AppRuntime, tx: Em, order: Order, s: Shipment, extra?: Record<string, unknown>): Promise<boolean> {
  let moved = false;
  if (stageOf(s) === ShipmentStatus.PENDING && canMoveShipment(s, ShipmentStatus.PICKED)) {
    await moveShipment(app, tx, order, s, ShipmentStatus.PICKED, 'system', automatedStep(s.id, 'picked'), new Date(), extra);
    moved = true;
  }
  if (stageOf(s) === ShipmentStatus.PICKED && canMoveShipment(s, ShipmentStatus.PACKED)) {
    await moveShipment(app, tx, order, s, ShipmentStatus.PACKED, 'system', automatedStep(s.id, 'packed'), new Date(), extra);
    moved = true;
  }
  return moved;
}
