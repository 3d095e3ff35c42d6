// The backfill of the customer report's points, month rows and all-channel first days (issue 20's
// customer_point and customer_month) from the customer rollups already there, for every channel at once:
// the same statements as src/analytics/customer-points-rebuild.ts, frozen here as the migrations run them.
// Plain SQL both databases take alike (a recursive CTE, LAG over a named window).
export const customerPointsBackfill: readonly string[] = [
  `insert into customer_first_order (channel_id, customer_key, first_day, customer_id, email)
      select '*', customer_key, min(first_day), max(customer_id), min(email) from customer_first_order group by customer_key;`,
  `insert into customer_month (scope_id, customer_key, month, currency_code, orders, net_sales)
      select channel_id, customer_key, substr(day, 1, 7), currency_code, sum(orders), sum(net_sales) from customer_day group by channel_id, customer_key, substr(day, 1, 7), currency_code
      union all
      select '*', customer_key, substr(day, 1, 7), currency_code, sum(orders), sum(net_sales) from customer_day group by customer_key, substr(day, 1, 7), currency_code;`,
  `with recursive d as (
        select channel_id as g, customer_key, day, sum(orders) as n from customer_day group by channel_id, customer_key, day having sum(orders) > 0
        union all
        select '*', customer_key, day, sum(orders) from customer_day group by customer_key, day having sum(orders) > 0),
      e (g, customer_key, day, i, n) as (select g, customer_key, day, 1, n from d union all select g, customer_key, day, i + 1, n from e where i < n),
      s as (select g, customer_key, day, lag(day, 1) over w as p, lag(day, 2) over w as q from e window w as (partition by g, customer_key order by day, i)),
      t as (select s.g, s.day, s.p, coalesce(s.q, '') as q, case when f.first_day < s.day then f.first_day else s.day end as f
        from s left join customer_first_order f on f.channel_id = s.g and f.customer_key = s.customer_key)
      insert into customer_point (scope_id, kind, day, ref, n)
      select g, kind, day, ref, count(*) from (
        select g, case when p is null then 'F' else 'P' end as kind, day, coalesce(p, f) as ref from t
        union all select g, case when p is null then 'FM' else 'PM' end, day, substr(coalesce(p, f), 1, 7) from t
        union all select g, 'Q', day, q from t
        union all select g, 'QM', day, substr(q, 1, 7) from t) x
      group by g, kind, day, ref;`,
];
