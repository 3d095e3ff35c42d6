// Everything `rebuildReports` and `scripts/rebuild-reports.mjs` rebuild, in order. Each part of the
// analytics module appends its own rollups' rebuild here.
import type { EntityManager } from '@mikro-orm/core';
import { rebuildSalesRollups, type RebuildScope } from './sales-rebuild.js';
import { rebuildOperationsRollups } from './operations-rebuild.js';

export interface Rebuilder {
  /** The rollups it rebuilds ('sales', 'fulfillment', ...). */
  name: string;
  /** Recounts them from the raw rows in scope; answers how many source rows (orders, ...) it counted. */
  rebuild(em: EntityManager, scope: RebuildScope): Promise<number>;
}

export const rebuilders: Rebuilder[] = [
  { name: 'sales', rebuild: rebuildSalesRollups },
  // Fulfillment, returns and customer rollups (operations-part.ts).
  { name: 'operations', rebuild: rebuildOperationsRollups },
];

export type { RebuildScope };
