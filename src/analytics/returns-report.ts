// returnsReport from the rollups: per SKU and reason, with the SKU's shipped units as the denominator.
import type { Em } from '../kernel/db/orm.js';
import type { ReturnReason } from '../returns/return-status.js';
import { daysOf, rate, type ReportChannel } from './report-range.js';
import type { ReturnsReport, ReturnsReportRow } from './operations-types.js';

export async function returnsReport(em: Em, channels: ReportChannel[], from: Date, to: Date): Promise<ReturnsReport> {
  const { where, params } = daysOf(channels);
  const [rows, shipped] = await Promise.all([
    em.execute(`SELECT sku, reason, currency_code, SUM(returned_units) AS returned, SUM(restocked_units) AS restocked, SUM(refunds) AS refunds
      FROM returns_sku_day WHERE ${where} GROUP BY sku, reason, currency_code`, params),
    em.execute(`SELECT sku, SUM(units) AS units FROM returns_shipped_day WHERE ${where} GROUP BY sku`, params),
  ]);
  const shippedBySku = new Map<string, number>(shipped.map((r: any) => [r.sku, Number(r.units)]));
  const out = new Map<string, ReturnsReportRow>();
  for (const r of rows) {
    const key = `${r.sku}\u0000${r.reason}`;
    let row = out.get(key);
    if (!row) {
      row = { sku: r.sku, reason: r.reason as ReturnReason, returnedUnits: 0, shippedUnits: shippedBySku.get(r.sku) ?? 0, returnRate: null, restockedUnits: 0, restockRate: null, refunds: [] };
      out.set(key, row);
    }
    row.returnedUnits += Number(r.returned ?? 0);
    row.restockedUnits += Number(r.restocked ?? 0);
    const amount = Number(r.refunds ?? 0);
    if (amount) row.refunds.push({ currencyCode: r.currency_code, amount });
  }
  const list = [...out.values()].filter((r) => r.returnedUnits > 0 || r.refunds.length);
  for (const r of list) {
    r.returnRate = rate(r.returnedUnits, r.shippedUnits);
    r.restockRate = rate(r.restockedUnits, r.returnedUnits);
    r.refunds.sort((a, b) => a.currencyCode.localeCompare(b.currencyCode));
  }
  return { from, to, rows: list.sort((a, b) => a.sku.localeCompare(b.sku) || a.reason.localeCompare(b.reason)) };
}
