// Job `channels.poll`: pulls a channel's new orders page by page from its cursor and imports them. The
// cursor moves only once a page's orders are in (and acknowledged), and only from where this poll read
// it: a worker killed mid-page, or two polls at once, pull the page again, and importOrders answers
// the orders already made instead of making them twice. A failed pull (a 429, the channel's 500, the
// network) is counted on the connection and the next poll is queued after a backoff (or the channel's
// Retry-After): nothing is skipped, the cursor stays where it was.
import { createHash } from 'node:crypto';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { SYSTEM_PRINCIPAL } from '../kernel/auth.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { stableJson } from '../kernel/idempotency.js';
import { OrderImportService } from '../order-import/order-import.service.js';
import { MAX_IMPORT_BATCH } from '../order-import/import.inputs.js';
import { ChannelUnavailable } from './connector.js';
import { ConnectorService } from './connector.service.js';

export const CHANNELS_QUEUE = 'channels';
/** Pages one poll pulls at most before it hands over to a fresh job (other channels get their turn). */
const PAGES_PER_POLL = 20;
const MAX_BACKOFF_MS = 5 * 60_000;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export class ChannelPoll {
  constructor(private readonly app: AppRuntime) {}

  /** Queues a poll of the channel now (`syncChannel`, the repeatable tick) or after `delayMs`. */
  async schedule(channelId: string, delayMs = 0): Promise<void> {
    // A job id of its own (to the millisecond): a retry scheduled by the poll that is still running must
    // not be taken for it. Polls that meet are harmless: the cursor moves once.
    await this.app.queue.add(CHANNELS_QUEUE, 'channels.poll', { channelId }, { jobId: `poll-${channelId}-${Date.now() + delayMs}`, delayMs, attempts: 1 });
  }

  async poll(em: Em, channelId: string): Promise<{ imported: number; pages: number }> {
    const found = await this.app.service(ConnectorService).connectionOf(em.fork(), channelId);
    if (!found?.connector.pullOrders) return { imported: 0, pages: 0 };
    const { connection, connector, ctx } = found;
    const wait = connection.nextAttemptAt ? connection.nextAttemptAt.getTime() - Date.now() : 0;
    if (wait > 0) {
      await this.schedule(channelId, wait);
      return { imported: 0, pages: 0 };
    }
    let cursor = connection.cursor ?? null;
    let failures = connection.failures;
    let imported = 0;
    for (let page = 1; page <= PAGES_PER_POLL; page++) {
      let created = 0;
      let next: string | null;
      let more: boolean;
      try {
        const pulled = await connector.pullOrders!(ctx, cursor);
        for (let i = 0; i < pulled.orders.length; i += MAX_IMPORT_BATCH) {
          const orders = pulled.orders.slice(i, i + MAX_IMPORT_BATCH);
          // The key is the page's content: the same page pulled again is the same batch.
          const r = await this.app.service(OrderImportService).importOrders(em.fork(), SYSTEM_PRINCIPAL, ctx.channelCode, orders, `poll-${sha(stableJson(orders)).slice(0, 48)}`);
          created += r.created;
          for (const x of r.results) if (x.error) ctx.log.warn({ externalId: x.externalId, code: x.error.code, field: x.error.field }, `order ${x.externalId} of channel ${ctx.channelCode} not imported: ${x.error.message}`);
          const ids = r.results.filter((x) => x.order).map((x) => x.externalId);
          if (ids.length && connector.acknowledge) await connector.acknowledge(ctx, ids);
        }
        next = pulled.cursor;
        more = pulled.more;
      } catch (e) {
        await this.failed(em, channelId, failures + 1, e);
        return { imported, pages: page - 1 };
      }
      imported += created;
      if (!(await this.advance(em, channelId, cursor, next))) return { imported, pages: page };
      cursor = next;
      failures = 0;
      if (!more) return { imported, pages: page };
    }
    await this.schedule(channelId);
    return { imported, pages: PAGES_PER_POLL };
  }

  /** Moves the cursor from `from` to `to`; false when another poll moved it first. */
  private async advance(em: Em, channelId: string, from: string | null, to: string | null): Promise<boolean> {
    const now = dialectOf(em).date(new Date());
    const res = await em.fork().execute(
      `UPDATE channel_connection SET cursor = ?, failures = 0, next_attempt_at = NULL, last_error = NULL, last_polled_at = ?
       WHERE channel_id = ? AND ${from === null ? 'cursor IS NULL' : 'cursor = ?'}`,
      from === null ? [to, now, channelId] : [to, now, channelId, from], 'run',
    );
    return Number((res as { affectedRows?: number }).affectedRows ?? 0) > 0;
  }

  private async failed(em: Em, channelId: string, failures: number, e: unknown): Promise<void> {
    const base = this.app.config.channelBackoffMs;
    const asked = e instanceof ChannelUnavailable ? e.retryAfterMs ?? 0 : 0;
    const delay = Math.max(asked, Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(failures - 1, 20)));
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
    this.app.log.warn({ channelId, failures, retryInMs: delay, err: message }, 'channel pull failed; retrying later');
    await em.fork().execute(
      'UPDATE channel_connection SET failures = ?, next_attempt_at = ?, last_error = ?, last_polled_at = ? WHERE channel_id = ?',
      [failures, dialectOf(em).date(new Date(Date.now() + delay)), message, dialectOf(em).date(new Date()), channelId], 'run',
    );
    await this.schedule(channelId, delay);
  }
}
