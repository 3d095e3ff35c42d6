// Stock sync: each connected channel whose connector takes stock (`pushStock`) is told what it may sell
// of each SKU: what the active locations have available (on hand less reserved), less the channel's
// buffer, times its share — so a channel never advertises units another channel (or the web store)
// has sold. The job is a reconciliation: it works out every SKU's sellable quantity, compares it with
// what the channel was last told (`channel_stock`), and pushes only the differences, in batches. It runs
// shortly after anything that moves availability (debounced: one run per channel per second at most)
// and on every poll tick, so a missed trigger is caught up by the next tick.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { onlyWhen, type DomainEvent, type EventHandler } from '../kernel/module.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { ChannelConnection } from './channel-connection.entity.js';
import { ConnectorService } from './connector.service.js';
import { CHANNELS_QUEUE } from './channel-poll.js';
import type { StockPush } from './connector.js';

const BATCH = 500;
const DEBOUNCE_MS = 1_000;

/** The quantity a channel may sell of `available` units: less its buffer, times its share, never below 0. */
export function sellable(available: number, buffer: number, sharePercent: number): number {
  return Math.max(0, Math.floor(((available - buffer) * sharePercent) / 100));
}

export class StockSync {
  /** Channel ids whose connector takes stock; refreshed by `refresh` (start, connectChannel, every tick). */
  private channels: string[] = [];

  constructor(private readonly app: AppRuntime) {}

  /** Whether any channel wants stock: events that move stock queue nothing otherwise. */
  get active(): boolean {
    return this.channels.length > 0;
  }

  private timer: NodeJS.Timeout | null = null;

  watch(everyMs: number): void {
    this.unwatch();
    this.timer = setInterval(() => {
      this.refresh(this.app.orm.em.fork() as Em).catch((err) => this.app.log.warn({ err }, 'stock sync: could not read the connected channels'));
    }, everyMs);
    this.timer.unref();
  }

  unwatch(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(em: Em): Promise<string[]> {
    const service = this.app.service(ConnectorService);
    const connections = await em.fork().find(ChannelConnection, {}, { fields: ['channel', 'connector'] });
    this.channels = connections.filter((c) => service.connector(c.connector)?.pushStock).map((c) => c.channel.id);
    return this.channels;
  }

  /** Queues a sync of each stock-taking channel about a second from now; further calls meanwhile join it. */
  async scheduleAll(em: Em, fresh = false): Promise<void> {
    const channels = fresh ? await this.refresh(em) : this.channels;
    const bucket = Math.floor(Date.now() / DEBOUNCE_MS);
    for (const channelId of channels) {
      await this.app.queue.add(CHANNELS_QUEUE, 'channels.syncStock', { channelId }, { jobId: `stock-${channelId}-${bucket}`, delayMs: DEBOUNCE_MS });
    }
  }

  /** The sync of each channel that runs in this process now (the next waits for it). */
  private readonly running = new Map<string, Promise<number>>();

  /**
   * Job `channels.syncStock`: pushes the SKUs whose sellable quantity differs from what the channel was told.
   * A process runs one sync of a channel at a time: two (a debounce bucket's job and the next one's, or a
   * poll tick's, when a push is slow) would both read what the channel was told before either remembered
   * its push, and push the same quantities twice. The second waits and then finds nothing left to push.
   */
  sync(em: Em, channelId: string): Promise<number> {
    const before = this.running.get(channelId);
    const run = (before ? before.catch(() => 0) : Promise.resolve(0)).then(() => this.syncNow(em, channelId));
    this.running.set(channelId, run);
    const forget = () => {
      if (this.running.get(channelId) === run) this.running.delete(channelId);
    };
    run.then(forget, forget);
    return run;
  }

  private async syncNow(em: Em, channelId: string): Promise<number> {
    const found = await this.app.service(ConnectorService).connectionOf(em.fork(), channelId);
    if (!found?.connector.pushStock) return 0;
    const { connection, connector, ctx } = found;
    const rows = await em.fork().execute(
      `SELECT v.sku, COALESCE(SUM(CASE WHEN l.active THEN sl.on_hand - sl.reserved ELSE 0 END), 0) AS available, cs.quantity AS told
       FROM product_variant v
       LEFT JOIN stock_level sl ON sl.variant_id = v.id
       LEFT JOIN stock_location l ON l.id = sl.location_id
       LEFT JOIN channel_stock cs ON cs.channel_id = ? AND cs.sku = v.sku
       WHERE v.track_inventory
       GROUP BY v.sku, cs.quantity`,
      [channelId],
    );
    const changes: StockPush[] = [];
    for (const r of rows as { sku: string; available: unknown; told: unknown }[]) {
      const quantity = sellable(Number(r.available), connection.stockBuffer, connection.stockSharePercent);
      if (r.told === null || r.told === undefined || Number(r.told) !== quantity) changes.push({ sku: r.sku, quantity });
    }
    for (let i = 0; i < changes.length; i += BATCH) {
      const batch = changes.slice(i, i + BATCH);
      // A refusal throws: the job retries, and what was not pushed is still different next time.
      await connector.pushStock!(ctx, batch);
      await this.remember(em, channelId, batch);
    }
    return changes.length;
  }

  private async remember(em: Em, channelId: string, batch: StockPush[]): Promise<void> {
    const now = dialectOf(em).date(new Date());
    const values = batch.map(() => '(?, ?, ?, ?)').join(', ');
    await em.fork().execute(
      `INSERT INTO channel_stock (channel_id, sku, quantity, pushed_at) VALUES ${values}
       ON CONFLICT (channel_id, sku) DO UPDATE SET quantity = excluded.quantity, pushed_at = excluded.pushed_at`,
      batch.flatMap((b) => [channelId, b.sku, b.quantity, now]), 'run',
    );
  }
}

/** Events after which what is available may differ: each queues (debounced) a sync, when a channel takes stock. */
const STOCK_MOVES = [
  'order.placed', 'order.cancelled', 'order.lines_cancelled', 'order.edited', 'order.backorder_allocated', 'stock.changed',
  // Held units are reserved: a hold made, released or expired changes what is available (a consumed one: order.placed).
  'checkout_hold.created', 'checkout_hold.released', 'checkout_hold.expired',
];
const schedule: EventHandler = (_e: DomainEvent, ctx) => ctx.app.service(StockSync).scheduleAll(ctx.em as Em);
export const stockSyncHandlers: Record<string, EventHandler> = Object.fromEntries(
  STOCK_MOVES.map((type) => [type, onlyWhen((_e, app) => app.service(StockSync).active, schedule)]),
);
