import type { RollupPart } from './rollup-part.js';
import { mergeHandlers } from '../kernel/module.js';
import { FulfillmentDay, FulfillmentLead, FulfillmentOrderDay, OperationsMark } from './fulfillment-rollup.entity.js';
import { ReturnsShippedDay, ReturnsSkuDay } from './returns-rollup.entity.js';
import { CustomerDay, CustomerFirstOrder, CustomerMonth, CustomerOrderRollup, CustomerPoint } from './customer-rollup.entity.js';
import { fulfillmentHandlers } from './fulfillment-rollup.js';
import { returnsHandlers } from './returns-rollup.js';
import { customerHandlers } from './customer-rollup.js';
import { OperationsReportResolver } from './operations.resolver.js';

/** Fulfillment, returns and customer rollups (fulfillmentReport, returnsReport, customerReport). */
export const operationsPart: RollupPart = {
  entities: [FulfillmentDay, FulfillmentLead, FulfillmentOrderDay, OperationsMark, ReturnsSkuDay, ReturnsShippedDay, CustomerFirstOrder, CustomerDay, CustomerOrderRollup, CustomerPoint, CustomerMonth],
  resolvers: [OperationsReportResolver],
  on: mergeHandlers(fulfillmentHandlers, returnsHandlers, customerHandlers),
};
