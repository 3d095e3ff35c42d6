// The parcel a location packs: the units' weights (the variants', or DEFAULT_UNIT_GRAMS when a variant
// does not say) plus the location's box (or a medium carton), and the address it ships from. Live rates
// (at quote and placement, before routing: the preferred location with an address) and labels (the
// shipment's own location) are asked for the same parcel.
import type { Em } from '../kernel/db/orm.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import type { Parcel, ShipAddress } from '../shipping/shipping-rates.js';
import { StockLocation } from './stock-location.entity.js';
import { DEFAULT_BOX, type ParcelBox } from './ship-from.js';

/** What a unit weighs when its variant does not say. */
export const DEFAULT_UNIT_GRAMS = 500;

/** What packing needs of a location (an entity, or a row read by plain SQL). */
export type ParcelOrigin = Pick<StockLocation, 'name' | 'countryCode' | 'region' | 'address' | 'parcelBox'>;

export interface PackedParcel {
  location: ParcelOrigin;
  /** Null when the location has no street address (carriers that buy real labels need one). */
  from: ShipAddress | null;
  parcel: Parcel;
}

/** Grams of the units, by SKU and quantity (one statement). */
export async function unitsWeight(em: Em, items: ReadonlyMap<string, number>): Promise<number> {
  if (!items.size) return 0;
  const variants = await em.find(ProductVariant, { sku: { $in: [...items.keys()] } }, { fields: ['sku', 'weightGrams'] });
  const grams = new Map(variants.map((v) => [v.sku, v.weightGrams ?? DEFAULT_UNIT_GRAMS]));
  let sum = 0;
  for (const [sku, q] of items) sum += q * (grams.get(sku) ?? DEFAULT_UNIT_GRAMS);
  return sum;
}

/** Where an order not yet routed would ship from: the preferred active location with an address. */
export async function preferredOrigin(em: Em): Promise<StockLocation | null> {
  const rows = await em.find(StockLocation, { active: true, address: { $ne: null } }, { orderBy: { priority: 'asc', code: 'asc' }, limit: 1 });
  return rows[0] ?? null;
}

/** Units of these grams in the box (a medium carton when there is none). */
export function packIn(box: ParcelBox | null | undefined, unitsGrams: number): Parcel {
  const b = box ?? DEFAULT_BOX;
  return { lengthCm: b.lengthCm, widthCm: b.widthCm, heightCm: b.heightCm, weightGrams: Math.max(1, unitsGrams + b.tareGrams) };
}

export function packAt(location: ParcelOrigin, unitsGrams: number): PackedParcel {
  const a = location.address;
  return {
    location,
    from: a ? {
      name: location.name, company: a.company ?? location.name, line1: a.line1, line2: a.line2 ?? null, city: a.city,
      region: location.region ?? null, postalCode: a.postalCode, countryCode: location.countryCode, phone: a.phone ?? null,
    } : null,
    parcel: packIn(location.parcelBox, unitsGrams),
  };
}
