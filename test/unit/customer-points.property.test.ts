// The customer report's points (src/analytics/customer-points.ts) three ways over random customer days:
// the migration's backfill SQL (migrations/customer-points-backfill.ts) and the counts it gives over any
// window, against `pointsOf` and against counting the customers of the window directly. In SQLite in
// memory; PostgreSQL runs the same statements in the rebuild (operations-rollups.property.test.ts).
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerPointsBackfill } from '../../migrations/customer-points-backfill.js';
import { daysBetween, pointsOf } from '../../src/analytics/customer-points.js';

const TABLES = `create table customer_day (channel_id text, customer_key text, day text, currency_code text, orders integer, net_sales integer, primary key (channel_id, customer_key, day, currency_code));
create table customer_first_order (channel_id text, customer_key text, first_day text, customer_id text, email text, primary key (channel_id, customer_key));
create table customer_month (scope_id text, customer_key text, month text, currency_code text, orders integer, net_sales integer, primary key (scope_id, customer_key, month, currency_code));
create table customer_point (scope_id text, kind text, day text, ref text, n integer, primary key (scope_id, kind, day, ref));`;

const day = fc.integer({ min: 0, max: 120 }).map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
const row = fc.record({ channel: fc.constantFrom('a', 'b'), customer: fc.integer({ min: 0, max: 9 }), day, currency: fc.constantFrom('EUR', 'USD'), orders: fc.integer({ min: 0, max: 2 }), cancelledBefore: fc.integer({ min: 0, max: 30 }) });

describe('customer points', () => {
  it('the backfill writes pointsOf, and the points count the customers of any window', () => {
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), day, fc.integer({ min: 0, max: 60 }), (rows, a, length) => {
      const db = new Database(':memory:');
      db.exec(TABLES);
      const orders = new Map<string, number>();
      const firsts = new Map<string, string>();
      for (const r of rows) {
        const k = [r.channel, `c${r.customer}`, r.day, r.currency].join('|');
        orders.set(k, (orders.get(k) ?? 0) + r.orders);
        // The first order ever may be earlier than any counted one (cancelled).
        const first = daysBetween('2025-12-01', r.day).at(-1 - r.cancelledBefore) ?? r.day;
        const f = `${r.channel}|c${r.customer}`;
        if (!firsts.has(f) || first < firsts.get(f)!) firsts.set(f, first);
      }
      for (const [k, n] of orders) db.prepare('insert into customer_day values (?, ?, ?, ?, ?, ?)').run(...k.split('|'), n, n * 100);
      for (const [k, f] of firsts) db.prepare('insert into customer_first_order values (?, ?, ?, null, ?)').run(...k.split('|'), f, k);
      for (const sql of customerPointsBackfill) db.exec(sql);

      for (const scope of ['a', 'b', '*']) {
        const mine = [...orders].map(([k, n]) => [...k.split('|'), n] as [string, string, string, string, number]).filter(([ch]) => scope === '*' || ch === scope);
        const expected = new Map<string, number>();
        const customers = new Set(mine.map(([, c]) => c));
        for (const c of customers) {
          const byDay = new Map<string, number>();
          for (const [, cu, d, , n] of mine) if (cu === c) byDay.set(d, (byDay.get(d) ?? 0) + n);
          const days = [...byDay].filter(([, n]) => n > 0).sort(([x], [y]) => (x < y ? -1 : 1));
          const first = [...firsts].filter(([k]) => k.endsWith(`|${c}`) && (scope === '*' || k.startsWith(`${scope}|`))).map(([, f]) => f).sort()[0] ?? null;
          for (const [id, n] of pointsOf(days, first)) expected.set(id, (expected.get(id) ?? 0) + n);
        }
        const got = new Map((db.prepare('select kind, day, ref, n from customer_point where scope_id = ?').all(scope) as any[]).map((r) => [`${r.kind}|${r.day}|${r.ref}`, r.n]));
        expect(got).toEqual(expected);

        // The window [a, b] counted from the points as pointCounts does, against the customers counted directly.
        const b = daysBetween(a, '2027-01-01')[length];
        let A = 0; let B = 0; let C = 0; let D = 0;
        for (const [id, n] of got) {
          const [kind, d, ref] = id.split('|');
          if (d < a || d > b || kind.length > 1) continue;
          if (kind === 'P' && ref < a) A += n;
          if (kind === 'F') B += n;
          if (kind === 'F' && ref < a) C += n;
          if (kind === 'Q' && ref < a) D += n;
        }
        const inWindow = new Map<string, number>();
        for (const [, c, d, , n] of mine) if (d >= a && d <= b) inWindow.set(c, (inWindow.get(c) ?? 0) + n);
        const buyers = [...inWindow].filter(([, n]) => n > 0).map(([c]) => c);
        const returning = buyers.filter((c) => [...firsts].some(([k, f]) => k.endsWith(`|${c}`) && (scope === '*' || k.startsWith(`${scope}|`)) && f < a)
          || mine.some(([, cu, d, , n]) => cu === c && d < a && n > 0));
        expect({ customers: A + B, returning: A + C, repeaters: D - A - B }).toEqual({ customers: buyers.length, returning: returning.length, repeaters: buyers.filter((c) => inWindow.get(c)! >= 2).length });
      }
      db.close();
    }), { numRuns: 60 });
  });
});
