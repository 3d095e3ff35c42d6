import { registerEnumType } from 'type-graphql';

/** How a report's local days are grouped (`bucketOf` in local-day.ts). Shared by the analytics reports. */
export enum ReportGrouping {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(ReportGrouping, { name: 'ReportGrouping', description: "Buckets of a report: local days, ISO weeks (starting Monday) or calendar months, in each channel's time zone." });
