// What an edit would make of the order as it is now: its lines and quantities, the destination's tax,
// the shipping charge, the totals and the money (what to authorize more, what to refund). The same plan
// answers orderEditPreview and drives commitOrderEdit, so a preview is priced by the code that charges.
// It also checks what the edit may not do: change a line whose units a warehouse already picked (or
// shipped), change the address once any shipment is picked, remove every unit (that is cancelOrder).
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput } from '../kernel/errors.js';
import { listedShipping, orderTotals, priceLine, type PricedLine } from '../kernel/money.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { unitPricesIn } from '../prices/channel-prices.js';
import { ShippingService } from '../shipping/shipping.service.js';
import { ShippingMethod, ShippingMethodKind } from '../shipping/shipping-method.entity.js';
import type { Address, AddressInput } from '../order-core/address.js';
import { Order } from '../order-core/order.entity.js';
import { ShippingRates } from '../shipping/shipping-rates.js';
import { rateRequestFor } from '../orders/shipping-price.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { CHANGEABLE } from '../order-core/order-status.js';
import { coverage, difference } from '../payments/payment-coverage.js';
import { Shipment } from '../fulfillment/shipment.entity.js';
import { ShipmentLine } from '../fulfillment/shipment-line.entity.js';
import { ShipmentStatus } from '../fulfillment/shipment-status.js';
import type { OrderEdit } from './order-edit.entity.js';


export interface PlannedLine {
  /** The order line, or null for a line the edit adds. */
  line: OrderLine | null;
  sku: string;
  name: string;
  variant: Pick<ProductVariant, 'id' | 'trackInventory' | 'allowBackorder'> | null;
  previous: number;
  quantity: number;
  priced: PricedLine;
}

export interface EditPlan {
  lines: PlannedLine[];
  /** The new address / method, or null when the edit keeps the order's. */
  address: Address | null;
  method: ShippingMethod | null;
  taxBasisPoints: number;
  subtotal: number;
  shippingTotal: number;
  taxTotal: number;
  discountTotal: number;
  total: number;
  previousTotal: number;
  /** To authorize at commit (commitOrderEdit's payment). */
  amountDue: number;
  /** Captured money above the new total, refunded at commit. */
  amountToRefund: number;
  /** Open shipments that are still PENDING and hold a changed line: cancelled and routed again at commit. */
  reroute: Shipment[];
}

export const changed = (p: PlannedLine) => p.quantity !== p.previous;

/**
 * What the plan reads through the shipping service's caches (the edit's new method and the tax of its new
 * country). Read before the commit's transaction: those caches read on a connection of their own, and
 * SQLite has one.
 */
export interface EditLookups {
  methodCode: string | null;
  method: ShippingMethod | null;
  country: string | null;
  bp: number | null;
  /** A carrier-rated new method's live rate for the edited parcel (a network call: made here, outside the transaction). */
  shippingPrice: number | null;
}

export async function editLookups(app: AppRuntime, em: Em, edit: OrderEdit): Promise<EditLookups> {
  const shipping = app.service(ShippingService);
  const methodCode = edit.shippingMethodCode ?? null;
  const country = edit.shippingAddress?.countryCode ?? null;
  const method = methodCode ? await shipping.methodByCode(em, methodCode) : null;
  return {
    methodCode, country, method,
    bp: country ? await shipping.basisPointsFor(em, country) : null,
    shippingPrice: method?.carrierRated ? await ratedPrice(app, em, edit, method) : null,
  };
}

/** The method's rate for the units the edit leaves, to the address it leaves; no rate is BAD_USER_INPUT. */
async function ratedPrice(app: AppRuntime, em: Em, edit: OrderEdit, method: ShippingMethod): Promise<number> {
  const lines = await em.find(OrderLine, { order: edit.order.id });
  const order = edit.shippingAddress ? null : await em.findOneOrFail(Order, { id: edit.order.id }, { fields: ['shippingAddress'] });
  const quantities = new Map<string, number>();
  for (const l of lines) quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + (edit.quantities[l.id] ?? l.quantity));
  for (const [sku, q] of Object.entries(edit.added)) quantities.set(sku, (quantities.get(sku) ?? 0) + q);
  const to = (edit.shippingAddress ?? order!.shippingAddress) as AddressInput;
  const priced = await app.service(ShippingRates).priceOf(method, await rateRequestFor(em, quantities, to));
  if (!priced) throw badInput(`${method.name} has no ${method.carrierCode} rate for this parcel and address.`, 'shippingMethodCode');
  return priced.price;
}

export async function planEdit(tx: Em, order: Order, edit: OrderEdit, looked: EditLookups): Promise<EditPlan> {
  if (!CHANGEABLE.has(order.status)) {
    throw new OrdoError('INVALID_STATE_TRANSITION', `Order ${order.number} is ${order.status}: it can no longer be edited.`, { from: order.status });
  }
  const lines = await tx.find(OrderLine, { order: order.id }, { orderBy: { id: 'asc' } });
  const bySku = new Map(lines.map((l) => [l.sku, l]));
  const planned: PlannedLine[] = lines.map((line) => {
    const quantity = (edit.quantities[line.id] ?? line.quantity) + (edit.added[line.sku] ?? 0);
    return { line, sku: line.sku, name: line.name, variant: line.variant ? { id: line.variant.id, trackInventory: true, allowBackorder: false } : null, previous: line.quantity, quantity, priced: null! };
  });

  // Variants of lines that change (tracking and backorder rules) and of the SKUs the edit adds.
  const newSkus = Object.keys(edit.added).filter((sku) => !bySku.has(sku));
  const variantIds = planned.filter((p) => changed(p) && p.variant).map((p) => p.variant!.id);
  const variants = await tx.find(ProductVariant, { $or: [{ id: { $in: variantIds } }, { sku: { $in: newSkus } }] });
  for (const p of planned) {
    const v = p.variant && variants.find((x) => x.id === p.variant!.id);
    if (v) p.variant = { id: v.id, trackInventory: v.trackInventory, allowBackorder: v.allowBackorder };
  }
  // Added lines are priced as placeOrder would price them now: the channel's price, else the catalog's.
  const added = variants.filter((v) => newSkus.includes(v.sku));
  const unitPrices = await unitPricesIn(tx, { id: order.channel.id, currencyCode: order.currencyCode }, added);
  for (const sku of newSkus) {
    const v = variants.find((x) => x.sku === sku);
    if (!v || !v.active) throw badInput(`Unknown or inactive SKU: ${sku}.`, 'sku');
    const unitPrice = unitPrices.get(v.id);
    if (unitPrice === null || unitPrice === undefined) throw badInput(`SKU ${sku} is not sold in ${order.currencyCode}.`, 'sku');
    planned.push({ line: null, sku, name: v.name, variant: { id: v.id, trackInventory: v.trackInventory, allowBackorder: v.allowBackorder }, previous: 0, quantity: edit.added[sku], priced: priceLine(unitPrice, 0, 0) });
  }
  // Preorders are counted against their limit at placement only (docs/preorders.md): no edit adds preordered units.
  for (const p of planned) {
    const v = p.quantity > p.previous && p.variant ? variants.find((x) => x.id === p.variant!.id) : undefined;
    if (v && v.preorderLimit != null && v.releaseDate && v.releaseDate.getTime() > Date.now()) {
      throw badInput(`${p.sku} is sold as a preorder until ${v.releaseDate.toISOString()}: preordered units cannot be added by an edit; place a new order.`, 'quantity');
    }
  }
  if (!planned.some((p) => p.quantity > 0)) {
    throw badInput('The edit removes every unit of the order: cancel the order instead (cancelOrder).', 'quantity');
  }

  // What the warehouses have in hand: a changed line must have none of its units picked or later.
  const shipments = (await tx.find(Shipment, { order: order.id })).filter((s) => s.status !== ShipmentStatus.CANCELLED);
  const shipmentLines = shipments.length ? await tx.find(ShipmentLine, { shipment: { $in: shipments.map((s) => s.id) } }) : [];
  const statusOf = new Map(shipments.map((s) => [s.id, s]));
  const reroute = new Set<Shipment>();
  for (const p of planned.filter(changed)) {
    if (!p.line) continue;
    for (const sl of shipmentLines.filter((x) => x.orderLine.id === p.line!.id)) {
      const s = statusOf.get(sl.shipment.id)!;
      if (s.status !== ShipmentStatus.PENDING) {
        throw new OrdoError('INVALID_STATE_TRANSITION', `${p.sku} is in shipment ${s.id}, which is ${s.status}: its units are in the warehouse's hands and can no longer be edited.`, { from: s.status });
      }
      reroute.add(s);
    }
  }

  // Address and shipping method: the address only until a shipment is picked; either must be served by the method.
  const address = edit.shippingAddress ?? null;
  if (address && shipments.some((s) => s.status !== ShipmentStatus.PENDING)) {
    throw new OrdoError('INVALID_STATE_TRANSITION', `A shipment of order ${order.number} is already picked: its shipping address can no longer change.`, { field: 'shippingAddress' });
  }
  if (looked.methodCode !== (edit.shippingMethodCode ?? null) || looked.country !== (address?.countryCode ?? null)) {
    throw new OrdoError('CONFLICT', 'The edit was changed while it was committed: read it again and retry.');
  }
  const country = (address ?? order.shippingAddress).countryCode;
  const method = looked.method;
  if (edit.shippingMethodCode) {
    if (!method) throw badInput(`There is no shipping method with code "${edit.shippingMethodCode}".`, 'shippingMethodCode');
    if (method.currencyCode !== order.currencyCode) throw badInput(`Shipping method ${method.code} is priced in ${method.currencyCode}, the order in ${order.currencyCode}.`, 'shippingMethodCode');
    // Collected at a store or delivered: an edit keeps which (the store's address and reservation come with it).
    if ((method.kind === ShippingMethodKind.PICKUP) !== !!order.pickupLocation) throw badInput(`Order ${order.number} ${order.pickupLocation ? 'is collected at its store' : 'is delivered'}: its shipping method must stay ${order.pickupLocation ? 'a PICKUP' : 'a delivery'} method.`, 'shippingMethodCode');
  }
  const serving = method ?? (address && order.shippingMethod ? await tx.findOne(ShippingMethod, { id: order.shippingMethod.id }) : null);
  if (serving && !serving.serves(country)) throw badInput(`Shipping method ${serving.code} does not deliver to ${country}.`, method ? 'shippingMethodCode' : 'shippingAddress.countryCode');

  // Prices: order lines keep the unit price they were sold at; added lines take the channel's now. Tax is
  // the destination's (a new country, a new rate), added to net prices or taken out of gross ones as the
  // order was placed (Order.pricesIncludeTax, not the channel's setting now).
  const bp = address && address.countryCode !== order.shippingAddress.countryCode ? looked.bp! : order.taxBasisPoints;
  const inclusive = order.pricesIncludeTax;
  for (const p of planned) {
    const unitPrice = p.line ? p.line.unitPrice : p.priced.unitPrice;
    p.priced = priceLine(unitPrice, p.quantity, bp, inclusive);
  }
  const shippingPrice = method ? (looked.shippingPrice ?? method.price) : listedShipping(order, lines);
  const totals = orderTotals(planned.map((p) => p.priced), shippingPrice, bp, inclusive);
  const goods = planned.reduce((s, p) => s + p.priced.total, 0);
  const discountTotal = Math.min(order.discountTotal ?? 0, goods);
  const total = totals.total - discountTotal;
  const money = difference(await coverage(tx, order.id), order.total, total);
  return {
    lines: planned, address, method, taxBasisPoints: bp,
    subtotal: totals.subtotal, shippingTotal: totals.shippingTotal, taxTotal: totals.taxTotal, discountTotal, total, previousTotal: order.total,
    amountDue: money.due, amountToRefund: money.refund, reroute: [...reroute],
  };
}
