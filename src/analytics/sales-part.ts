import type { RollupPart } from './rollup-part.js';
import { SalesDay, SalesOrderRollup, SkuDay } from './sales-rollup.entity.js';
import { countSalesEvent, SALES_EVENTS } from './sales-rollup.js';
import { SalesReportResolver } from './sales-report.resolver.js';

/** Sales and product rollups (salesReport, productPerformance, rebuildReports): docs/analytics.md. */
export const salesPart: RollupPart = {
  entities: [SalesDay, SkuDay, SalesOrderRollup],
  resolvers: [SalesReportResolver],
  on: Object.fromEntries(SALES_EVENTS.map((type) => [type, countSalesEvent])),
};
