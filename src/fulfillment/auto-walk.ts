// The walk of an autoFulfill location's shipments: PENDING → PICKED → PACKED → LABELLED → SHIPPED in the
// job that routed them, instead of a job and a queued event per step (issue 16: 12 jobs and 11 queued
// events an order became 2 and 3). Nothing between routing and handover waits on a person; the carrier
// is called between two transactions, as the label job does. Every step reads the current state under
// the order's lock, so an interrupted walk (a worker killed, a carrier refusal) is resumed by the retry
// of the job that was walking, and a step another job made meanwhile is skipped.
// Events of walked moves carry `walked: true`: the step-by-step jobs (fulfillment.advance, carrier.label,
// fulfillment.ship) do not want them, so those events are only published (live updates, webhooks).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { Shipment } from './shipment.entity.js';
import { ShipmentStatus } from './shipment-status.js';
import { stageOf } from './shipment-moves.js';
import { LabelService } from './labels.js';
import { ShipmentService } from './shipment.service.js';
import { isOpen } from './routing.js';

export const WALKED = { walked: true } as const;
const S = ShipmentStatus;

export class AutoFulfillment {
  constructor(private readonly app: AppRuntime) {}

  /** Walks every open shipment of the order at an autoFulfill location as far as it goes; how many shipped. */
  async walkOrder(em: Em, orderId: string): Promise<number> {
    const shipments = await this.app.service(ShipmentService).openAutoShipments(em.fork() as Em, orderId);
    let shipped = 0;
    for (const s of shipments) if (isOpen(s) && (await this.walk(em, s))) shipped++;
    return shipped;
  }

  /** Job `fulfillment.walk`, and the walk of a shipment as last seen (`s`); true when it shipped. */
  async walk(em: Em, s: Shipment | string): Promise<boolean> {
    const shipment = typeof s === 'string' ? await em.fork().findOne(Shipment, { id: s }) : s;
    if (!shipment || !isOpen(shipment)) return false;
    const shipments = this.app.service(ShipmentService);
    let stage = stageOf(shipment);
    if (stage === S.PENDING || stage === S.PICKED) {
      if (!(await shipments.autoAdvance(em, shipment.id, WALKED))) return false;
      stage = S.PACKED;
    }
    if (stage === S.PACKED && (await this.app.service(LabelService).buyLabel(em, shipment.id, { walked: true, thenShip: true }))) return true;
    // Labelled before (a label job, an earlier walk that stopped there): only the handover is left.
    return shipments.autoShip(em, shipment.id, WALKED);
  }
}
