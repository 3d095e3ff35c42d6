// holdCheckoutStock, releaseCheckoutHold, checkoutHold and the sweeper of expired holds. A hold reserves
// every unit of the cart or nothing (one transaction: a short line rolls the others back), through the
// stock ledger like an order, so holds and orders never oversell one another.
import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { OrdoError, badInput, isOrdoError } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ChannelService } from '../channels/channel.service.js';
import type { Channel } from '../channels/channel.entity.js';
import { reserveLine } from '../sourcing/reserve-lines.js';
import { SourcingService } from '../sourcing/sourcing.service.js';
import { CheckoutHold, CheckoutHoldStatus, HOLD_ID_PREFIX, type CheckoutHoldLine } from './checkout-hold.entity.js';
import { HOLD_TTL, MAX_HOLD_QUANTITY, type CheckoutHoldInput } from './checkout-hold.inputs.js';
import { expireHold, releaseHold } from './claim-hold.js';

/** A guest's key: guests share one key space (kernel/idempotency.ts), and a repeat answers the first hold's id. */
const GUEST_KEY_MIN = 16;
const SWEEP_BATCH = 500;

interface WantedLine {
  variantId: string;
  sku: string;
  quantity: number;
  trackInventory: boolean;
  /** The input line the SKU first appears on, for the error's field. */
  index: number;
}

export class CheckoutHoldService {
  constructor(private readonly app: AppRuntime) {}

  async hold(em: Em, principal: Principal, input: CheckoutHoldInput, ttlSeconds?: number | null, idempotencyKey?: string | null): Promise<CheckoutHold> {
    checkIdempotencyKey(idempotencyKey);
    if (idempotencyKey && principal.kind === 'anonymous' && idempotencyKey.length < GUEST_KEY_MIN) {
      throw badInput(`A guest's idempotencyKey is at least ${GUEST_KEY_MIN} characters (a random one, such as a UUID): a repeat with it answers the hold.`, 'idempotencyKey');
    }
    const ttl = ttlSeconds ?? HOLD_TTL.default;
    if (!Number.isInteger(ttl) || ttl < HOLD_TTL.min || ttl > HOLD_TTL.max) {
      throw badInput(`ttlSeconds must be between ${HOLD_TTL.min} and ${HOLD_TTL.max} (default ${HOLD_TTL.default}).`, 'ttlSeconds');
    }
    const channel = await this.channelOf(em, input.channelCode);
    const wanted = await this.variantsOf(em, channel, input.lines);
    const destination = input.shippingAddress ? { countryCode: input.shippingAddress.countryCode, region: input.shippingAddress.region ?? null } : null;
    // Held where the order will ship from: the channel's sourcing strategy, to the address when given.
    const sourcing = this.app.service(SourcingService);
    const strategy = sourcing.strategyFor(channel);
    const planned = destination && strategy !== 'priority'
      ? (await sourcing.plan(em, em, strategy, destination, wanted.map((w) => ({ variantId: w.variantId, sku: w.sku, quantity: w.quantity, trackInventory: w.trackInventory, allowBackorder: false })))).lines
      : null;
    const scope = `holdCheckoutStock:${keyOwner(principal)}`;
    const request = { channel: channel.code, lines: wanted.map((l) => [l.sku, l.quantity]), destination, ttl };

    for (let tries = 1; ; tries++) {
      try {
        return await em.fork().transactional((tx) => once(tx, scope, idempotencyKey, request, async () => {
          const lines: CheckoutHoldLine[] = [];
          // In variant-id order, as placeOrder reserves: two carts lock stock rows in the same order.
          for (const w of wanted) {
            const line = { variantId: w.variantId, sku: w.sku, quantity: w.quantity, trackInventory: w.trackInventory, allowBackorder: false };
            const r = w.trackInventory ? await reserveLine(tx, line, planned?.get(w.variantId)) : { allocations: [], missing: 0 };
            if (r.missing > 0) {
              throw new OrdoError('INSUFFICIENT_STOCK', `Only ${w.quantity - r.missing} of ${w.sku} can be held now; ${w.quantity} were asked for.`,
                { sku: w.sku, field: `input.lines[${w.index}].quantity` });
            }
            lines.push({ variantId: w.variantId, sku: w.sku, quantity: w.quantity, allocations: r.allocations });
          }
          const now = new Date();
          const hold = tx.create(CheckoutHold, { channel: channel.id, lines, destination, createdAt: now, expiresAt: new Date(now.getTime() + ttl * 1000) });
          // Fewer units available: channels that are told the stock (channel-sync) hear of it.
          recordEvent(tx, 'checkout_hold.created', { channelId: channel.id, skus: lines.map((l) => l.sku) }, channel.id);
          await tx.flush();
          return hold;
        }, (id) => tx.findOneOrFail(CheckoutHold, { id })));
      } catch (e) {
        // PostgreSQL may pick this transaction as a deadlock victim: nothing was written, try again.
        if ((e instanceof DeadlockException || e instanceof LockWaitTimeoutException) && tries < 3) continue;
        throw e;
      }
    }
  }

  /**
   * Units per variant id an ACTIVE, unexpired hold of the channel holds (quoteOrder counts them as the
   * buyer's own: placing with the hold would get them). Empty for any other hold.
   */
  async heldUnits(em: Em, id: string, channelId: string, now = Date.now()): Promise<Map<string, number>> {
    const hold = await this.get(em, id);
    const out = new Map<string, number>();
    if (!hold || hold.status !== CheckoutHoldStatus.ACTIVE || hold.channel.id !== channelId || hold.expiresAt.getTime() <= now) return out;
    for (const l of hold.lines) out.set(l.variantId, (out.get(l.variantId) ?? 0) + l.allocations.reduce((n, a) => n + a.quantity, 0));
    return out;
  }

  /** The hold with this id, for whoever has the id; null when there is none. */
  get(em: Em, id: string): Promise<CheckoutHold | null> {
    if (!id.startsWith(`${HOLD_ID_PREFIX}_`) || id.length > 40) return Promise.resolve(null);
    return em.fork().findOne(CheckoutHold, { id });
  }

  /** The buyer gives the hold up: its units are on sale again. A repeat (or a hold that expired meanwhile) answers the hold as it is. */
  async release(em: Em, id: string): Promise<CheckoutHold> {
    await em.fork().transactional(async (tx) => {
      const ended = await releaseHold(tx, id);
      if (ended) {
        recordEvent(tx, 'checkout_hold.released', { channelId: ended.channelId, skus: ended.lines.map((l) => l.sku) }, ended.channelId);
        await tx.flush();
      }
    });
    const hold = await this.get(em, id);
    if (!hold) throw new OrdoError('NOT_FOUND', 'There is no checkout hold with this id.', { field: 'holdId' });
    if (hold.status === CheckoutHoldStatus.CONSUMED) throw new OrdoError('CONFLICT', 'This checkout hold was used for an order: cancel the order instead.', { field: 'holdId' });
    return hold;
  }

  /**
   * The sweeper (repeatable job `checkoutHolds.expire`): every ACTIVE hold past its expiry becomes EXPIRED
   * and its units go back, each hold in a transaction of its own. A hold an order takes at the same moment
   * is skipped (the conditional UPDATE finds it CONSUMED). How many it expired.
   */
  async expireDue(em: Em, now = new Date()): Promise<number> {
    let expired = 0;
    for (;;) {
      const due: { id: string }[] = await em.fork().execute(
        `SELECT id FROM checkout_hold WHERE status = 'ACTIVE' AND expires_at <= ? ORDER BY expires_at LIMIT ${SWEEP_BATCH}`, [dialectOf(em).date(now)]);
      for (const { id } of due) {
        await em.fork().transactional(async (tx) => {
          const ended = await expireHold(tx, id, now);
          if (!ended) return;
          expired++;
          recordEvent(tx, 'checkout_hold.expired', { channelId: ended.channelId, skus: ended.lines.map((l) => l.sku) }, ended.channelId);
          await tx.flush();
        });
      }
      if (due.length < SWEEP_BATCH) return expired;
    }
  }

  /** The channel by code; an unknown one named as the input's field. */
  private async channelOf(em: Em, code?: string | null): Promise<Channel> {
    try {
      return await this.app.service(ChannelService).byCode(em, code);
    } catch (e) {
      if (isOrdoError(e) && e.code === 'BAD_USER_INPUT') throw badInput(e.message, 'input.channelCode');
      throw e;
    }
  }

  /** The cart's variants (lines of one SKU merged), in variant-id order; an unknown SKU or one not sold in the channel's currency is BAD_USER_INPUT. */
  private async variantsOf(em: Em, channel: Channel, inputLines: { sku: string; quantity: number }[]): Promise<WantedLine[]> {
    const quantities = new Map<string, { quantity: number; index: number }>();
    inputLines.forEach((l, index) => {
      const sku = l.sku.trim();
      if (!Number.isInteger(l.quantity) || l.quantity < 1) throw badInput('quantity must be at least 1.', `input.lines[${index}].quantity`);
      const had = quantities.get(sku);
      const quantity = (had?.quantity ?? 0) + l.quantity;
      if (quantity > MAX_HOLD_QUANTITY) throw badInput(`quantity of ${sku} must be at most ${MAX_HOLD_QUANTITY}.`, `input.lines[${index}].quantity`);
      quantities.set(sku, { quantity, index: had?.index ?? index });
    });
    if (!quantities.size) throw badInput('A hold needs at least one line.', 'input.lines');
    const skus = [...quantities.keys()];
    // The currency a buyer in the channel pays in: the variant's own price there (prices/), else the catalog's.
    const rows: any[] = await em.fork().execute(
      `SELECT pv.id, pv.sku, COALESCE(vp.currency_code, pv.currency_code) AS currency_code, pv.track_inventory
FROM product_variant pv LEFT JOIN variant_price vp ON vp.variant_id = pv.id AND vp.channel_id = ?
WHERE pv.active = true AND pv.sku IN (${skus.map(() => '?').join(', ')})`, [channel.id, ...skus]);
    const bySku = new Map(rows.map((r) => [r.sku as string, r]));
    const out: WantedLine[] = [];
    for (const [sku, { quantity, index }] of quantities) {
      const v = bySku.get(sku);
      if (!v) throw badInput(`Unknown or inactive SKU: ${sku}.`, `input.lines[${index}].sku`);
      if (v.currency_code !== channel.currencyCode) throw badInput(`SKU ${sku} is not sold in ${channel.currencyCode}.`, `input.lines[${index}].sku`);
      out.push({ variantId: v.id, sku, quantity, index, trackInventory: v.track_inventory === true || Number(v.track_inventory) === 1 });
    }
    return out.sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
  }
}
