// quoteOrder's delivery promises: the order planned for each sourcing goal a buyer may choose (earliest
// delivery, fewest shipments), with the shipments each would make and when it would arrive with the
// chosen method. placeOrder with the same goal plans the same way, so the option shown is the one reserved
// (unless the stock changed in between: then what is there, in the goal's order).
import { Field, Int, ObjectType } from 'type-graphql';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { deliveredBy } from '../inventory/ship-calendar.js';
import { SourcingService } from '../sourcing/sourcing.service.js';
import { GOAL_STRATEGY, SourcingGoal } from '../sourcing/strategy.js';
import type { PlaceOrderInput } from './order.inputs.js';
import type { OrderRequest, PricedDraft } from './order-draft.js';

@ObjectType()
class PlannedUnits {
  @Field() sku!: string;
  @Field(() => Int) quantity!: number;
}

@ObjectType({ description: 'A parcel an option would send: from where, with what, handed over when.' })
class PlannedShipmentType {
  @Field() locationCode!: string;
  @Field() locationName!: string;
  @Field(() => DateTimeScalar, { description: "The location's handover: its next cut-off on a working day, after its handling days." }) shipsAt!: Date;
  @Field(() => [PlannedUnits]) lines!: PlannedUnits[];
}

@ObjectType({ description: 'The order sourced for one goal; pass the goal as PlaceOrderInput.sourcingGoal to have it reserved so.' })
export class SourcingOption {
  @Field(() => SourcingGoal) goal!: SourcingGoal;
  @Field(() => [PlannedShipmentType]) shipments!: PlannedShipmentType[];
  @Field(() => Int) shipmentCount!: number;
  @Field({ description: 'Every stocked unit has a location now (else the rest would be backordered or refused).' }) complete!: boolean;
  @Field(() => DateTimeScalar, { nullable: true, description: 'The last shipment\'s handover plus the chosen method\'s transit days; null when incomplete or no method is chosen.' })
  promisedDeliveryAt!: Date | null;
}

export async function sourcingOptions(app: AppRuntime, em: Em, input: PlaceOrderInput, req: OrderRequest, draft: PricedDraft, now: number): Promise<SourcingOption[]> {
  // A pickup order comes from its store: there is nothing to choose.
  if (req.pickup) return [];
  const lines = draft.lines.map(({ v, p }) => ({ variantId: v.id, sku: v.sku, quantity: p.quantity, trackInventory: v.trackInventory, allowBackorder: v.allowBackorder }));
  if (!lines.some((l) => l.trackInventory)) return [];
  const sourcing = app.service(SourcingService);
  const to = { countryCode: input.shippingAddress.countryCode, region: input.shippingAddress.region };
  const goals = [SourcingGoal.EARLIEST_DELIVERY, SourcingGoal.FEWEST_SHIPMENTS];
  // Both goals planned over one read of the stock.
  const plans = await sourcing.planEach(em, em, goals.map((g) => GOAL_STRATEGY[g]), to, lines, now);
  return goals.map((goal, i) => {
    const plan = plans[i];
    const complete = plan.missing === 0;
    return {
      goal,
      shipments: plan.shipments.map((s) => ({
        locationCode: s.location.code, locationName: s.location.name, shipsAt: s.location.shipsAt,
        lines: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      })),
      shipmentCount: plan.shipments.length,
      complete,
      promisedDeliveryAt: complete && plan.shipsAt && req.shipping ? deliveredBy(plan.shipsAt, req.shipping.maxTransitDays) : null,
    };
  });
}
