// An order's shipments: where from, what is in them, tracking and documents, and the staffed location's
// steps (pick, pack, ship) for staff.
import { useMutation } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';

const PICK = graphql(`mutation ConsolePick($id: ID!) { markShipmentPicked(id: $id) { id status } }`);
const PACK = graphql(`mutation ConsolePack($id: ID!) { markShipmentPacked(id: $id) { id status } }`);
const SHIP = graphql(`mutation ConsoleShip($id: ID!) { markShipmentShipped(id: $id) { id status } }`);

interface ShipmentView {
  id: string; status: string; carrierCode?: string | null; trackingNumber?: string | null; trackingUrl?: string | null;
  labelUrl?: string | null; packingSlipUrl?: string | null; location: { code: string; name: string };
  lines: { quantity: number; orderLine: { sku: string } }[];
}

/** The step a shipment in this status can take next at a staffed location. */
// PACKED waits for its label (the carrier.label job), then ships.
const NEXT: Record<string, 'pick' | 'pack' | 'ship' | undefined> = { PENDING: 'pick', PICKED: 'pack', LABELLED: 'ship' };

export function Shipments({ shipments, staff }: { shipments: ShipmentView[]; staff: boolean }) {
  const [pick, doPick] = useMutation(PICK);
  const [pack, doPack] = useMutation(PACK);
  const [ship, doShip] = useMutation(SHIP);
  const error = problem(pick.error ?? pack.error ?? ship.error);
  const step = { pick: doPick, pack: doPack, ship: doShip };
  return (
    <section aria-labelledby="shipments-h">
      <h2 id="shipments-h">Shipments</h2>
      {error && <p role="alert" class="error">{error}</p>}
      {!shipments.length && <p>None yet.</p>}
      {shipments.map((s, i) => {
        const next = NEXT[s.status];
        return (
          <article class="shipment" aria-label={`Shipment ${i + 1}`} data-shipment-id={s.id}>
            <h3>Shipment {i + 1} from {s.location.name} <span class={`status s-${s.status}`}>{s.status}</span></h3>
            <p>{s.lines.map((l) => `${l.quantity} × ${l.orderLine.sku}`).join(', ')}</p>
            {s.trackingNumber && <p>Tracking: {s.trackingUrl ? <a href={s.trackingUrl}>{s.trackingNumber}</a> : s.trackingNumber} ({s.carrierCode})</p>}
            <p class="documents">
              {s.packingSlipUrl && <a href={s.packingSlipUrl} target="_blank" rel="noopener">Packing slip</a>}
              {s.labelUrl && <a href={s.labelUrl} target="_blank" rel="noopener">Label</a>}
            </p>
            {staff && next && <button type="button" onClick={() => step[next]({ id: s.id })}>{next === 'pick' ? 'Mark picked' : next === 'pack' ? 'Mark packed' : 'Mark shipped'}</button>}
          </article>
        );
      })}
    </section>
  );
}
