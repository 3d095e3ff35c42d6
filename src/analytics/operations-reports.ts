// The operations reports' service: the caller and the period checked (operations-range.ts), then one
// read of the rollups each. Nothing here scans orders.
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { checkFirst, reportChannels } from './report-range.js';
import { fulfillmentReport } from './fulfillment-report.js';
import { returnsReport } from './returns-report.js';
import { customerReport } from './customer-report.js';
import type { CustomerReport, FulfillmentReport, ReturnsReport } from './operations-types.js';

export interface ReportArgs {
  from: Date;
  to: Date;
  channelCode?: string | null;
}

export class OperationsReportService {
  async fulfillment(em: Em, principal: Principal, a: ReportArgs): Promise<FulfillmentReport> {
    const channels = await reportChannels(em, principal, a.from, a.to, a.channelCode);
    return fulfillmentReport(em, channels, a.from, a.to);
  }

  async returns(em: Em, principal: Principal, a: ReportArgs): Promise<ReturnsReport> {
    const channels = await reportChannels(em, principal, a.from, a.to, a.channelCode);
    return returnsReport(em, channels, a.from, a.to);
  }

  async customers(em: Em, principal: Principal, a: ReportArgs & { first?: number | null }): Promise<CustomerReport> {
    const first = checkFirst(a.first);
    const channels = await reportChannels(em, principal, a.from, a.to, a.channelCode);
    return customerReport(em, channels, a.from, a.to, first);
  }
}
