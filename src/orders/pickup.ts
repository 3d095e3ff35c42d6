// Click & collect at checkout (docs/click-and-collect.md). A PICKUP shipping method is collected at a STORE
// location the buyer chooses (PlaceOrderInput.pickupLocationCode): the order is reserved there only, ships
// to the store's address (the buyer's name and phone kept, so the mail and SMS still reach them) and bills
// the buyer's own address. Checked in checkRequest, so placeOrder and quoteOrder refuse alike; quoteOrder
// also lists the stores near the buyer (pickupOptions). Fulfilment (ready, code, handover, the pickup
// window) is fulfillment/pickup.service.ts: this folder cannot import fulfillment.
import { Field, ObjectType } from 'type-graphql';
import type { Em } from '../kernel/db/orm.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { StockLocation, StockLocationKind } from '../inventory/stock-location.entity.js';
import { LocationAddress } from '../inventory/ship-from.js';
import { ShippingMethodKind, type ShippingMethod } from '../shipping/shipping-method.entity.js';
import { ShippingService } from '../shipping/shipping.service.js';
import type { AddressInput } from '../order-core/address.js';
import type { AddressRow } from '../order-core/order-rows.js';
import type { PlaceOrderInput } from './order.inputs.js';
import type { ProblemSink } from './order-problems.js';
import type { DraftLine } from './order-draft.js';

/** How many stores a quote lists at most: the nearest. */
const MAX_OPTIONS = 20;

export interface Pickup {
  store: StockLocation;
  /** The order's shipping address: the store's, with the buyer's name and phone. */
  shipTo: AddressInput;
  /** The buyer's billing address, or their own (shipping) address when they gave none. */
  billTo: AddressInput;
}

export const isPickup = (method: Pick<ShippingMethod, 'kind'> | null | undefined) => method?.kind === ShippingMethodKind.PICKUP;

/**
 * Whether pickupOf has anything to check: a PICKUP method, or a store code sent with another method (a
 * problem). Without it an order is a delivery, and its caller need not wait for pickupOf.
 */
export function asksForPickup(input: PlaceOrderInput, method: ShippingMethod | null): method is ShippingMethod {
  return !!method && (isPickup(method) || !!input.pickupLocationCode?.trim());
}

/**
 * The store of a PICKUP method's order, checked, with the addresses the order gets; null for a delivery
 * method (which refuses a pickupLocationCode) or when the store is wrong (a problem in `sink`).
 */
export async function pickupOf(em: Em, input: PlaceOrderInput, method: ShippingMethod | null, sink: ProblemSink): Promise<Pickup | null> {
  const code = input.pickupLocationCode?.trim();
  if (!asksForPickup(input, method)) return null;
  if (!isPickup(method)) {
    // asksForPickup: a delivery method gets here only with a store code, which it refuses.
    sink.add('pickupLocationCode', 'BAD_USER_INPUT', `Shipping method ${method.code} delivers to the shipping address: pickupLocationCode is only for a PICKUP method.`);
    return null;
  }
  if (!code) {
    sink.add('pickupLocationCode', 'BAD_USER_INPUT', `Shipping method ${method.code} is collected at a store: give pickupLocationCode (quoteOrder lists the stores).`);
    return null;
  }
  const store = await em.fork().findOne(StockLocation, { code });
  if (!store || !store.active || store.kind !== StockLocationKind.STORE) {
    sink.add('pickupLocationCode', 'BAD_USER_INPUT', `There is no active store with code "${code}" to collect the order at.`);
    return null;
  }
  if (!store.address) {
    sink.add('pickupLocationCode', 'BAD_USER_INPUT', `Store ${code} has no address set: it cannot take click & collect orders yet.`);
    return null;
  }
  const buyer = input.shippingAddress;
  const a = store.address;
  const shipTo: AddressInput = { name: buyer.name, line1: a.line1, city: a.city, postalCode: a.postalCode, countryCode: store.countryCode };
  if (a.line2) shipTo.line2 = a.line2;
  if (store.region) shipTo.region = store.region;
  const phone = buyer.phone ?? a.phone;
  if (phone) shipTo.phone = phone;
  return { store, shipTo, billTo: input.billingAddress ?? buyer };
}

/**
 * The order row's addresses and store: a pickup order ships to its store and bills the buyer. Used where
 * placeOrder builds the row (`...orderAddresses(input, c.pickup)`).
 */
export function orderAddresses(input: PlaceOrderInput, pickup: Pickup | null | undefined): { shippingAddress: AddressRow; billingAddress: AddressRow | null; pickupLocationId: string | null } {
  if (!pickup) return { shippingAddress: input.shippingAddress, billingAddress: input.billingAddress ?? null, pickupLocationId: null };
  return { shippingAddress: pickup.shipTo, billingAddress: pickup.billTo, pickupLocationId: pickup.store.id };
}

/** Where a pickup order's lines may be reserved (reserve-lines.ts `how.only`): its store alone. */
export const pickupOnly = (pickup: Pickup | null | undefined): readonly string[] | null => (pickup ? [pickup.store.id] : null);

@ObjectType({ description: 'A store the order can be collected at (click & collect), nearest to the buyer first.' })
export class PickupOption {
  @Field() code!: string;
  @Field() name!: string;
  @Field() countryCode!: string;
  @Field(() => String, { nullable: true }) region!: string | null;
  @Field(() => LocationAddress, { description: "The store's street address (the order ships there)." }) address!: LocationAddress;
  @Field({ description: 'The PICKUP shipping method to place the order with (the cheapest that serves the store\'s country).' }) shippingMethodCode!: string;
  @Field({
    description: "Whether the store's own stock (on hand less reserved, read now, not reserved) covers every line of the cart. " +
      'Transfers and incoming stock are not counted: Ordo has neither yet, so there is no later date to promise.',
  })
  canFillNow!: boolean;
  @Field({ description: 'The store the input chose (pickupLocationCode).' }) selected!: boolean;
}

/**
 * quoteOrder's `pickupLocations`: active stores with an address that a PICKUP method of the channel's
 * currency serves; same country and region as the buyer first, then the same country, then by priority.
 */
export async function pickupOptions(app: AppRuntime, em: Em, input: PlaceOrderInput, currencyCode: string, draft: readonly DraftLine[]): Promise<PickupOption[]> {
  const methods = (await app.service(ShippingService).activeMethods(em)).filter((m) => isPickup(m) && m.currencyCode === currencyCode);
  if (!methods.length) return [];
  const stores = (await em.fork().find(StockLocation, { kind: StockLocationKind.STORE, active: true }))
    .filter((s) => s.address && methods.some((m) => m.serves(s.countryCode)));
  if (!stores.length) return [];
  const buyer = input.shippingAddress;
  const distance = (s: StockLocation) => (s.countryCode !== buyer.countryCode ? 2 : s.region && buyer.region && sameRegion(s.region, buyer.region) ? 0 : 1);
  const nearest = stores
    .sort((a, b) => distance(a) - distance(b) || a.priority - b.priority || a.code.localeCompare(b.code))
    .slice(0, MAX_OPTIONS);
  const lines = draft.map(({ v, p }) => ({ variantId: v.id, quantity: p.quantity, tracked: v.trackInventory }));
  const fills = await canFill(em, nearest.map((s) => s.id), lines);
  return nearest.map((s) => ({
    code: s.code, name: s.name, countryCode: s.countryCode, region: s.region ?? null, address: s.address!,
    shippingMethodCode: methods.find((m) => m.serves(s.countryCode))!.code, // cheapest first (activeMethods)
    canFillNow: fills.has(s.id), selected: s.code === input.pickupLocationCode?.trim(),
  }));
}

const sameRegion = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The stores among `storeIds` whose available units cover every tracked line (one statement). */
async function canFill(db: SqlRunner, storeIds: string[], lines: readonly { variantId: string; quantity: number; tracked: boolean }[]): Promise<Set<string>> {
  if (!lines.length) return new Set();
  const tracked = lines.filter((l) => l.tracked);
  if (!tracked.length) return new Set(storeIds);
  const rows: { location_id: string; variant_id: string; available: number | string }[] = await db.execute(
    `SELECT location_id, variant_id, on_hand - reserved AS available FROM stock_level
     WHERE location_id IN (${storeIds.map(() => '?').join(', ')}) AND variant_id IN (${tracked.map(() => '?').join(', ')})`,
    [...storeIds, ...tracked.map((l) => l.variantId)],
  );
  const have = new Map(rows.map((r) => [`${r.location_id}|${r.variant_id}`, Number(r.available)]));
  return new Set(storeIds.filter((id) => tracked.every((l) => (have.get(`${id}|${l.variantId}`) ?? 0) >= l.quantity)));
}
