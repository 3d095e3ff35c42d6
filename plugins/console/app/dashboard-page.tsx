// The merchant's KPIs over a period (the analytics reports, read from rollups): sales per day as charts
// and tables, fulfillment per location, the SKUs returned most, new and returning customers.
import { useState } from 'preact/hooks';
import { useQuery } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';
import { formatMoney, toMajor } from './money';
import { DayChart } from './chart';

const KPIS = graphql(`
  query ConsoleKpis($from: DateTime!, $to: DateTime!) {
    salesReport(from: $from, to: $to, groupBy: DAY) {
      currencies { currencyCode totals { orders units netSales refunds averageOrderValue } buckets { start orders netSales } }
    }
    fulfillmentReport(from: $from, to: $to) {
      ordersPlaced backorderRate splitShipmentRate
      locations { locationCode shipments leadTimeP50Hours leadTimeP90Hours onTimeRate }
    }
    returnsReport(from: $from, to: $to) { rows { sku reason returnedUnits returnRate restockRate } }
    customerReport(from: $from, to: $to, first: 5) {
      customers newCustomers returningCustomers repeatPurchaseRate
      topCustomers { email orders netSales currencyCode }
    }
  }
`);

const DAY = 86_400_000;
const percent = (r: number | null | undefined) => (r == null ? '—' : `${(r * 100).toFixed(1)} %`);

export function DashboardPage() {
  const [days, setDays] = useState(30);
  // Whole days up to tomorrow's start: today is in.
  const [to] = useState(() => new Date(Math.ceil(Date.now() / DAY) * DAY));
  const from = new Date(to.getTime() - days * DAY);
  const [kpis] = useQuery({ query: KPIS, variables: { from: from.toISOString(), to: to.toISOString() } });
  const error = problem(kpis.error);
  const d = kpis.data;
  return (
    <main>
      <h1>Dashboard</h1>
      <label>Period
        <select value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          <option value="7">Last 7 days</option><option value="30">Last 30 days</option><option value="90">Last 90 days</option>
        </select>
      </label>
      {error && <p role="alert" class="error">{error}</p>}
      {d?.salesReport.currencies.map((c) => {
        const m = (v: number) => formatMoney(v, c.currencyCode);
        return (
          <section aria-label={`Sales in ${c.currencyCode}`} class="kpis">
            <h2>Sales ({c.currencyCode})</h2>
            <dl class="tiles">
              <div><dt>Orders</dt><dd>{c.totals.orders}</dd></div>
              <div><dt>Units</dt><dd>{c.totals.units}</dd></div>
              <div><dt>Net sales</dt><dd>{m(c.totals.netSales)}</dd></div>
              <div><dt>Average order</dt><dd>{m(c.totals.averageOrderValue)}</dd></div>
              <div><dt>Refunds</dt><dd>{m(c.totals.refunds)}</dd></div>
            </dl>
            <div class="charts">
              <DayChart title="Net sales per day" days={c.buckets.map((b) => b.start)} values={c.buckets.map((b) => toMajor(b.netSales, c.currencyCode))} format={(v) => String(Math.round(v))} />
              <DayChart title="Orders per day" days={c.buckets.map((b) => b.start)} values={c.buckets.map((b) => b.orders)} format={(v) => String(Math.round(v))} />
            </div>
          </section>
        );
      })}
      {d && (
        <section aria-labelledby="ful-h">
          <h2 id="ful-h">Fulfillment</h2>
          <p>Orders placed {d.fulfillmentReport.ordersPlaced} · backordered {percent(d.fulfillmentReport.backorderRate)} · split shipments {percent(d.fulfillmentReport.splitShipmentRate)}</p>
          <table>
            <thead><tr><th scope="col">Location</th><th scope="col" class="num">Shipments</th><th scope="col" class="num">Lead time p50 (h)</th><th scope="col" class="num">p90 (h)</th><th scope="col" class="num">On time</th></tr></thead>
            <tbody>{d.fulfillmentReport.locations.map((l) => <tr><td>{l.locationCode}</td><td class="num">{l.shipments}</td><td class="num">{l.leadTimeP50Hours ?? '—'}</td><td class="num">{l.leadTimeP90Hours ?? '—'}</td><td class="num">{percent(l.onTimeRate)}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      {d && (
        <section aria-labelledby="ret-h">
          <h2 id="ret-h">Returns</h2>
          <table>
            <thead><tr><th scope="col">SKU</th><th scope="col">Reason</th><th scope="col" class="num">Units</th><th scope="col" class="num">Return rate</th><th scope="col" class="num">Restocked</th></tr></thead>
            <tbody>{[...d.returnsReport.rows].sort((a, b) => b.returnedUnits - a.returnedUnits).slice(0, 10).map((r) => <tr><td>{r.sku}</td><td>{r.reason}</td><td class="num">{r.returnedUnits}</td><td class="num">{percent(r.returnRate)}</td><td class="num">{percent(r.restockRate)}</td></tr>)}</tbody>
          </table>
        </section>
      )}
      {d && (
        <section aria-labelledby="cus-h">
          <h2 id="cus-h">Customers</h2>
          <p>{d.customerReport.customers} {d.customerReport.customers === 1 ? 'customer' : 'customers'}: {d.customerReport.newCustomers} new, {d.customerReport.returningCustomers} returning · repeat purchase rate {percent(d.customerReport.repeatPurchaseRate)}</p>
          <table>
            <thead><tr><th scope="col">Top customer</th><th scope="col" class="num">Orders</th><th scope="col" class="num">Net sales</th></tr></thead>
            <tbody>{d.customerReport.topCustomers.map((c) => <tr><td>{c.email}</td><td class="num">{c.orders}</td><td class="num">{formatMoney(c.netSales, c.currencyCode)}</td></tr>)}</tbody>
          </table>
        </section>
      )}
    </main>
  );
}
