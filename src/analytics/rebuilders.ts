// Everything `rebuildReports` and `scripts/rebuild-reports.mjs` rebuild, in order. Each part of the
// analytics module appends its own rollups' rebuild here.
import type { EntityManager } from '@mikro-orm/core';
import { dialectOf } from '../kernel/db/dialect.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
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

/** The tables the rebuilders rewrite wholesale. */
const ROLLUP_TABLES = [
  'sales_day', 'sku_day', 'sales_order_rollup', 'fulfillment_day', 'fulfillment_lead', 'fulfillment_order_day', 'operations_mark',
  'returns_sku_day', 'returns_shipped_day', 'customer_day', 'customer_first_order', 'customer_order_rollup', 'customer_point', 'customer_month',
];

/**
 * After a rebuild, PostgreSQL's planner statistics of the rollup tables: their sizes just changed
 * wholesale, and until autovacuum comes by a report's plan assumes a few rows (customerReport at a million
 * orders: 2.1 s before ANALYZE, 0.9 s after). SQLite plans without them.
 */
export async function analyzeRollups(em: EntityManager): Promise<void> {
  const db = em as unknown as SqlRunner;
  if (dialectOf(db).name === 'postgresql') await db.execute(`ANALYZE ${ROLLUP_TABLES.join(', ')}`, [], 'run');
}
