// What a sourcing strategy is: given where the buyer is, the order's stocked lines, the active locations
// and what each has available now, it says where each line's units should come from. Plugins bring their
// own through `providers.sourcingStrategy` and a channel names the one it uses (setChannelSourcing).
// A plan is a preference: placement reserves it through the stock ledger's conditional statements, and
// what another order took meanwhile comes from the next locations of `ranking`.
import { registerEnumType } from 'type-graphql';
import type { Allocation } from '../inventory/stock-ledger.js';

export interface SourcingLocation {
  id: string;
  code: string;
  name: string;
  kind: string;
  countryCode: string;
  region: string | null;
  priority: number;
  /** When this location would hand over an order placed now (its cut-off, working days, handling days). */
  shipsAt: Date;
  /** From the region distance table (buyer's region to this location's); null when the table has no entry. */
  distance: number | null;
}

export interface SourcingDestination {
  countryCode: string;
  region?: string | null;
}

export interface SourcingContext {
  destination: SourcingDestination;
  /** The order's stocked lines (services and other untracked lines travel with the main parcel). */
  lines: { variantId: string; sku: string; quantity: number }[];
  /** Active locations, by priority (lower first), then code. */
  locations: SourcingLocation[];
  /** Units of a variant available at a location now (read, not reserved). */
  available(variantId: string, locationId: string): number;
  /** Locations nearest the buyer first: same country and region, same country, the distance table, then priority. */
  nearest(): SourcingLocation[];
}

export interface SourcingPlan {
  /** Per variant id, where its units come from (a line missing here, or short, is reserved by `ranking`). */
  lines: Map<string, Allocation[]>;
  /** Location ids in this strategy's order of preference, for what the plan could not take. */
  ranking: string[];
}

export interface SourcingStrategy {
  /** What a channel names (`nearest`); lower-case letters, digits and dashes. */
  code: string;
  description?: string;
  plan(ctx: SourcingContext): SourcingPlan;
}

/** What a buyer may ask for at checkout (quoteOrder lists both; placeOrder reserves the chosen one). */
export enum SourcingGoal {
  EARLIEST_DELIVERY = 'EARLIEST_DELIVERY',
  FEWEST_SHIPMENTS = 'FEWEST_SHIPMENTS',
}
registerEnumType(SourcingGoal, {
  name: 'SourcingGoal',
  valuesConfig: {
    EARLIEST_DELIVERY: { description: 'Each line from the location that can ship it first (the order may arrive in several parcels).' },
    FEWEST_SHIPMENTS: { description: 'As few locations as can fill the order (one when one can), the earliest of those first.' },
  },
});

/** The built-in strategy each goal is planned by. */
export const GOAL_STRATEGY: Record<SourcingGoal, string> = {
  [SourcingGoal.EARLIEST_DELIVERY]: 'earliest-delivery',
  [SourcingGoal.FEWEST_SHIPMENTS]: 'fewest-shipments',
};
