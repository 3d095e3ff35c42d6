#!/usr/bin/env node
// Checks the customer report's fast path (points and month lists: docs/analytics.md, "The customer
// report") against grouping the days per customer, on a database filled by bench/seed-orders.mjs and
// rebuilt (bench/reports.mjs), over several windows and sets of channels (all, one, two):
//   node bench/customer-report-check.mjs [--database postgres://postgres@127.0.0.1:5432/ordo_scale] [--first 10]
// Uses the compiled code (npm run build). Exits 1 when a figure differs.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, requireFromRoot, parseArgs, log } from './lib.mjs';

const A = parseArgs(process.argv.slice(2), []);
const FIRST = Number(A.first ?? 10);
const { Client } = requireFromRoot('pg');
const c = new Client(String(A.database ?? 'postgres://postgres@127.0.0.1:5432/ordo_scale'));
await c.connect();
const db = { execute: async (sql, params = []) => { let i = 0; return (await c.query(sql.replace(/\?/g, () => `$${++i}`), params)).rows; } };
const { customerReport } = await import(pathToFileURL(join(ROOT, 'dist/src/analytics/customer-report.js')).href);

const all = (await c.query('SELECT id, code FROM channel ORDER BY code')).rows;
const [{ last }] = (await c.query('SELECT MAX(day) AS last FROM customer_day')).rows;
const back = (days) => new Date(Date.parse(`${last}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
let differences = 0;
for (const [a, b] of [[back(30), last], [back(260), back(90)], [back(170), back(170)], [back(364), last]]) {
  for (const set of [all, [all[0]], all.slice(0, 2)]) {
    const channels = set.map((r) => ({ id: r.id, code: r.code, currencyCode: '', timeZone: 'UTC', fromDay: a, toDay: b }));
    const fast = await customerReport(db, channels, new Date(), new Date(), FIRST);
    const where = channels.map(() => '(d.channel_id = ? AND d.day >= ? AND d.day <= ?)').join(' OR ');
    const params = channels.flatMap((x) => [x.id, a, b]);
    const earlier = channels.map(() => '(f.channel_id = ? AND f.first_day < ?)').join(' OR ');
    const [g] = await db.execute(`WITH per AS (SELECT d.customer_key, SUM(d.orders) AS orders FROM customer_day d WHERE ${where} GROUP BY d.customer_key HAVING SUM(d.orders) > 0)
      SELECT COUNT(*) AS customers, SUM(CASE WHEN orders >= 2 THEN 1 ELSE 0 END) AS repeaters,
        SUM(CASE WHEN EXISTS (SELECT 1 FROM customer_first_order f WHERE f.customer_key = per.customer_key AND (${earlier})) THEN 1 ELSE 0 END) AS returning FROM per`,
      [...params, ...channels.flatMap((x) => [x.id, a])]);
    const top = await db.execute(`WITH per AS (SELECT d.customer_key, d.currency_code, SUM(d.orders) AS orders, SUM(d.net_sales) AS net FROM customer_day d WHERE ${where} GROUP BY 1, 2 HAVING SUM(d.orders) > 0),
      r AS (SELECT *, ROW_NUMBER() OVER (PARTITION BY currency_code ORDER BY net DESC, customer_key) AS place FROM per)
      SELECT currency_code, net FROM r WHERE place <= ? ORDER BY currency_code, net DESC`, [...params, FIRST]);
    const grouped = { customers: Number(g.customers), returning: Number(g.returning ?? 0), repeaters: Number(g.repeaters ?? 0), top: top.map((t) => `${t.currency_code} ${Number(t.net)}`) };
    const mine = { customers: fast.customers, returning: fast.returningCustomers, repeaters: fast.repeatCustomers, top: fast.topCustomers.map((t) => `${t.currencyCode} ${t.netSales}`) };
    const same = JSON.stringify(grouped) === JSON.stringify(mine);
    if (!same) differences++;
    log(`${a}..${b}, ${set.length} channel(s): ${same ? 'same' : 'DIFFERENT'} (${mine.customers} customers, ${mine.returning} returning, ${mine.repeaters} repeat)${same ? '' : ` grouped ${JSON.stringify(grouped)} fast ${JSON.stringify(mine)}`}`);
  }
}
await c.end();
process.exit(differences ? 1 : 0);
