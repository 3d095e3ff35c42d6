// Recounts the sales rollups from the raw rows (orders, lines, refund operations): after a restore, a bulk
// load that wrote no outbox events (bench/seed-orders.mjs), or a change of a channel's time zone. Counts
// each order with the same `orderContribution` as the event jobs, so it finds what they would have.
// One transaction per channel; run it when the channel is quiet (an event job of the channel's orders
// running at the same moment may count its order before or after, not both, but its day rows are then
// replaced: rebuild again, or let the order's next event set it right).
import type { EntityManager } from '@mikro-orm/core';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { localDay } from './local-day.js';
import type { OrderContribution } from './sales-figures.js';
import { difference, loadContributions, writeDays, writeOrderRows, writeSkuDays } from './sales-rollup.js';

export interface RebuildScope {
  /** One channel (its id); every channel when left out. */
  channelId?: string | null;
  /** Only the local days from the one holding this instant on (each channel's zone); all when left out. */
  from?: Date | null;
}

const PAGE = 1_000;
const DAY = 86_400_000;

/** Rebuilds the sales rollups in scope; answers how many orders it counted. */
export async function rebuildSalesRollups(em: EntityManager, scope: RebuildScope = {}): Promise<number> {
  const db = em as unknown as SqlRunner;
  const channels: { id: string; time_zone: string }[] = scope.channelId
    ? await db.execute('SELECT id, time_zone FROM channel WHERE id = ?', [scope.channelId])
    : await db.execute('SELECT id, time_zone FROM channel ORDER BY id');
  let counted = 0;
  for (const channel of channels) {
    await em.fork().transactional(async (t) => {
      counted += await rebuildChannel(t as unknown as SqlRunner, channel.id, channel.time_zone || 'UTC', scope.from ?? null);
    });
  }
  return counted;
}

async function rebuildChannel(tx: SqlRunner, channelId: string, timeZone: string, from: Date | null): Promise<number> {
  const d = dialectOf(tx);
  const fromDay = from ? localDay(from, timeZone) : null;
  const since = fromDay ? ' AND day >= ?' : '';
  const params = fromDay ? [channelId, fromDay] : [channelId];
  for (const table of ['sales_day', 'sku_day', 'sales_order_rollup']) await tx.execute(`DELETE FROM ${table} WHERE channel_id = ?${since}`, params);
  const days = new Map<string, number[]>();
  const skus = new Map<string, number[]>();
  // The channel's order ids in one read (a few MB at a million orders), then their rows a page at a time:
  // paging by `id > last` would make PostgreSQL walk the primary key once per page and channel.
  // Orders placed up to two days before `from` may still fall on its local day (zones run to UTC±14).
  const all: string[] = (await tx.execute(
    `SELECT id FROM orders WHERE channel_id = ?${from ? ' AND placed_at >= ?' : ''}`,
    from ? [channelId, d.date(new Date(from.getTime() - 2 * DAY))] : [channelId],
  )).map((r: { id: string }) => r.id);
  let counted = 0;
  for (let i = 0; i < all.length; i += PAGE) {
    const counts = [...(await loadContributions(tx, all.slice(i, i + PAGE)))].filter(([, c]) => !fromDay || c.day >= fromDay);
    for (const [, c] of counts) add(days, skus, c);
    await writeOrderRows(tx, counts);
    counted += counts.length;
  }
  const rows = (m: Map<string, number[]>) => [...m].map(([k, v]) => [...JSON.parse(k), ...v]);
  await writeDays(tx, rows(days), false);
  await writeSkuDays(tx, rows(skus), false);
  return counted;
}

function add(days: Map<string, number[]>, skus: Map<string, number[]>, c: OrderContribution): void {
  const { days: dayRows, skus: skuRows } = difference(null, c);
  for (const [m, rows, keys] of [[days, dayRows, 3], [skus, skuRows, 4]] as const) {
    for (const r of rows) {
      const k = JSON.stringify(r.slice(0, keys));
      const sum = m.get(k) ?? m.set(k, new Array(r.length - keys).fill(0)).get(k)!;
      r.slice(keys).forEach((x, i) => (sum[i] += x as number));
    }
  }
}

