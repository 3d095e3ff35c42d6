// fulfillmentReport from the rollups: sums of the days in the period, percentiles from the summed histograms.
import type { Em } from '../kernel/db/orm.js';
import { daysOf, rate, type ReportChannel } from './report-range.js';
import { percentileOf } from './fulfillment-lead-buckets.js';
import type { FulfillmentLocationFigures, FulfillmentReport } from './operations-types.js';

export async function fulfillmentReport(em: Em, channels: ReportChannel[], from: Date, to: Date): Promise<FulfillmentReport> {
  const { where, params } = daysOf(channels);
  const [days, lead, [orders]] = await Promise.all([
    em.execute(`SELECT location_id, SUM(shipments) AS shipments, SUM(delivered) AS delivered, SUM(delivered_promised) AS promised, SUM(delivered_on_time) AS on_time
      FROM fulfillment_day WHERE ${where} GROUP BY location_id`, params),
    em.execute(`SELECT location_id, bucket, SUM(shipments) AS n FROM fulfillment_lead WHERE ${where} GROUP BY location_id, bucket`, params),
    em.execute(`SELECT SUM(orders_placed) AS placed, SUM(backordered_orders) AS backordered, SUM(shipped_orders) AS shipped, SUM(split_orders) AS split
      FROM fulfillment_order_day WHERE ${where}`, params),
  ]);
  const ids = days.map((r: any) => r.location_id as string);
  const codes = new Map<string, string>(ids.length
    ? (await em.execute(`SELECT id, code FROM stock_location WHERE id IN (${ids.map(() => '?').join(', ')})`, ids)).map((r: any) => [r.id, r.code])
    : []);
  const histograms = new Map<string, [number, number][]>();
  for (const r of lead) {
    const h = histograms.get(r.location_id) ?? [];
    h.push([Number(r.bucket), Number(r.n)]);
    histograms.set(r.location_id, h);
  }
  const locations: FulfillmentLocationFigures[] = days.map((r: any) => {
    const h = histograms.get(r.location_id) ?? [];
    const [promised, onTime] = [Number(r.promised ?? 0), Number(r.on_time ?? 0)];
    return {
      locationId: r.location_id, locationCode: codes.get(r.location_id) ?? r.location_id,
      shipments: Number(r.shipments ?? 0), leadTimeP50Hours: percentileOf(h, 0.5), leadTimeP90Hours: percentileOf(h, 0.9),
      delivered: Number(r.delivered ?? 0), deliveredWithPromise: promised, deliveredOnTime: onTime, onTimeRate: rate(onTime, promised),
    };
  }).sort((a: FulfillmentLocationFigures, b: FulfillmentLocationFigures) => a.locationCode.localeCompare(b.locationCode));
  const n = (x: unknown) => Number(x ?? 0);
  return {
    from, to, locations,
    ordersPlaced: n(orders?.placed), backorderedOrders: n(orders?.backordered), backorderRate: rate(n(orders?.backordered), n(orders?.placed)),
    shippedOrders: n(orders?.shipped), splitShipmentOrders: n(orders?.split), splitShipmentRate: rate(n(orders?.split), n(orders?.shipped)),
  };
}
