// The per-process event fan-out: ONE subscription to the outbox's pub/sub topic, however many clients.
// Each domain event is loaded from the database once in this process (the order, its shipment, the
// sellable units of the SKUs it touched), executed once per audience (subscribers asking the same thing
// with the same grant: audience.ts), serialized once, and the message handed to every interested
// subscriber's bounded queue, which writes it to its socket. Events are delivered in the order they arrive
// (the relay publishes in id order; an event's messages are all handed out before the next event's); a
// replayed event (the outbox sweeper) is recognised by its id and not delivered twice.
import { EVENT_TOPIC } from '../kernel/outbox/outbox-relay.js';
import type { AppRuntime } from '../kernel/runtime.js';
import type { DomainEvent } from '../kernel/module.js';
import type { Em } from '../kernel/db/orm.js';
import { hashToken, type Principal } from '../kernel/auth.js';
import type { OrdoContext } from '../kernel/context.js';
import { releaseWsOperation, wsOperationOf, writesFramesDirectly } from '../kernel/ws-operations.js';
import { OrdoError } from '../kernel/errors.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { OrderStatus } from '../order-core/order-status.js';
import { Shipment } from '../fulfillment/shipment.entity.js';
import { ApiKey } from '../auth/api-key.entity.js';
import { StaffSession } from '../auth/staff-session.entity.js';
import { CustomerSession } from '../customers/customer-session.entity.js';
import { LiveSubscriber } from './subscriber.js';
import { OrderEvent, StockAvailability } from './live-types.js';
import { messageOf, orderEventType, orderIdOf, skusOf } from './event-map.js';
import { Audiences, broadcast } from './audience.js';
import { subscribersChanged } from './heap-headroom.js';
import { availableBy } from '../inventory/availability.js';

/** Events a subscriber may have waiting before it is ended as too slow. */
export const MAX_QUEUE = 256;
const SEEN = 20_000;
/** Events being prepared at once; the rest wait in the backlog, in order. */
const MAX_IN_FLIGHT = 500;
/**
 * Events waiting beyond those. The reader never stops reading the topic: pub/sub hands events to a
 * subscriber's queue of at most 1,024 (graphql-yoga's Repeater), and one more throws from inside the
 * publisher's event dispatch, which ends the process. Past this many, the oldest waiting event is
 * dropped for live subscribers (counted and logged; it is still in the outbox and in its order's history).
 */
const MAX_BACKLOG = 50_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type OrderSub = LiveSubscriber<OrderEvent>;
type StockSub = LiveSubscriber<StockAvailability>;

interface Prepared {
  order?: { event: OrderEvent; orderId: string; customerId: string | null; channelId: string };
  stock: StockAvailability[];
  /** The event's EntityManager (read only), shared by every execution of it. */
  em: Em;
}

const grantOf = (roles: readonly string[], channelIds?: readonly string[] | null) => JSON.stringify([[...roles].sort(), [...(channelIds ?? [])].sort()]);

export function recheckMs(app: AppRuntime): number {
  return app.config.subscriptionRecheckMs;
}

export class EventFanOut {
  private byOrder = new Map<string, Set<OrderSub>>();
  private byCustomer = new Map<string, Set<OrderSub>>();
  /** Staff feeds (orderFeed) by the channels they hear: '*' for all, else channel ids joined by commas. */
  private byFeed = new Map<string, Set<OrderSub>>();
  private bySku = new Map<string, Set<StockSub>>();
  private all = new Set<LiveSubscriber<unknown>>();
  private seen = new Set<number>();
  private audiences = new Audiences();
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private backlog: DomainEvent[] = [];
  /** Where the backlog starts (taking from the front of a long array one by one would copy it each time). */
  private head = 0;
  private iterator: AsyncIterator<unknown> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;
  private deferred: Promise<void> | null = null;
  /** Events handed out and database loads made (tests and the benchmark read these). */
  readonly stats = { events: 0, loads: 0, deliveries: 0, dropped: 0, skipped: 0 };

  constructor(private readonly app: AppRuntime) {}

  private idle: Em | null = null;

  /**
   * One EntityManager that idle subscriptions point at, so that the fork each graphql-ws operation gets
   * (used only to check access when it starts) can be collected: ~4 kB less per open subscription.
   */
  get idleEm(): Em {
    return (this.idle ??= this.app.orm.em.fork() as Em);
  }

  get subscriberCount(): number {
    return this.all.size;
  }

  /** Distinct executions per event for everyone subscribed now (tests and the benchmark read it). */
  get audienceCount(): number {
    return this.audiences.size;
  }

  /**
   * With Redis, the topic is subscribed once the connections answer: an ioredis client asked to
   * SUBSCRIBE while it is still connecting fails its ready check ("Connection in subscriber mode") and
   * silently never delivers. Subscribers that arrive meanwhile are registered and hear events from then on.
   */
  startWhenReady(): void {
    if (this.started || this.deferred) return;
    if (!this.app.config.redisUrl) return this.start();
    this.deferred = (async () => {
      const deadline = Date.now() + 30_000;
      while (!this.stopped && Date.now() < deadline && !(await this.app.redisReady())) await sleep(100);
      await sleep(250);
      if (!this.stopped) this.start();
    })();
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    const source = this.app.pubsub.subscribe(EVENT_TOPIC) as AsyncIterable<unknown>;
    this.iterator = source[Symbol.asyncIterator]();
    void this.read();
    const every = recheckMs(this.app);
    this.timer = setInterval(() => void this.recheck().catch((err) => this.app.log.warn({ err }, 'subscription re-check failed')), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.iterator?.return?.();
    for (const s of [...this.all]) void s.return();
  }

  // ---------------------------------------------------------------- subscribing

  // `ctx` is the subscribing operation's context: over graphql-ws the subscriber joins the audience of its
  // document, variables and grant and writes its own messages (audience.ts); without it, it is pulled.

  subscribeOrder(orderId: string, principal: Principal, authorization?: string, ctx?: OrdoContext): OrderSub {
    return this.add(this.byOrder, orderId, principal, authorization, ctx);
  }

  subscribeCustomer(customerId: string, principal: Principal, authorization?: string, ctx?: OrdoContext): OrderSub {
    return this.add(this.byCustomer, customerId, principal, authorization, ctx);
  }

  /** Every order event of some channels (`channels`: '*' for all, else ids joined by commas). */
  subscribeFeed(channels: string, principal: Principal, authorization?: string, ctx?: OrdoContext): OrderSub {
    return this.add(this.byFeed, channels, principal, authorization, ctx);
  }

  subscribeSku(sku: string, principal: Principal, ctx?: OrdoContext): StockSub {
    return this.add(this.bySku, sku, principal, undefined, ctx);
  }

  private add<T>(index: Map<string, Set<LiveSubscriber<T>>>, key: string, principal: Principal, authorization: string | undefined, ctx: OrdoContext | undefined): LiveSubscriber<T> {
    this.startWhenReady();
    const op = ctx && wsOperationOf(ctx);
    if (op) releaseWsOperation(ctx!);
    const audience = op ? this.audiences.join(op, ctx!, principal) : undefined;
    const sub = new LiveSubscriber<T>(principal, authorization, MAX_QUEUE, (s) => {
      // Called when it fails and again when graphql-ws returns it: the first time counts.
      if (!this.all.delete(s as LiveSubscriber<unknown>)) return;
      subscribersChanged(-1);
      if (audience) this.audiences.leave(audience);
      const set = index.get(key);
      if (set?.delete(s) && !set.size) index.delete(key);
    }, op && audience ? { id: op.id, socket: op.socket, direct: writesFramesDirectly(op.socket), audience } : undefined);
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(sub);
    this.all.add(sub as LiveSubscriber<unknown>);
    subscribersChanged(1);
    return sub;
  }

  // ---------------------------------------------------------------- events

  private async read(): Promise<void> {
    const it = this.iterator!;
    for (;;) {
      let r: IteratorResult<unknown>;
      try {
        r = await it.next();
      } catch (err) {
        this.app.log.warn({ err }, 'live events: pub/sub read failed');
        return;
      }
      if (r.done) return;
      // Nobody listens in this process: nothing to load or deliver (a subscriber hears what happens from its start).
      if (this.all.size === 0) continue;
      if (this.inFlight < MAX_IN_FLIGHT && this.waiting() === 0) this.accept(r.value as DomainEvent);
      else this.wait(r.value as DomainEvent);
    }
  }

  private waiting(): number {
    return this.backlog.length - this.head;
  }

  private wait(e: DomainEvent): void {
    this.backlog.push(e);
    if (this.waiting() <= MAX_BACKLOG) return;
    this.take();
    if (this.stats.skipped++ % 1000 === 0) this.app.log.warn({ skipped: this.stats.skipped }, 'live events: too many events waiting; the oldest were not sent to subscribers');
  }

  private take(): DomainEvent {
    const e = this.backlog[this.head++];
    if (this.head === this.backlog.length) [this.backlog, this.head] = [[], 0];
    else if (this.head > 1024 && this.head * 2 > this.backlog.length) [this.backlog, this.head] = [this.backlog.slice(this.head), 0];
    return e;
  }

  /** Accepts waiting events while fewer than MAX_IN_FLIGHT are being prepared. */
  private pump(): void {
    while (this.waiting() > 0 && this.inFlight < MAX_IN_FLIGHT) this.accept(this.take());
  }

  /** Starts loading at once (in parallel with earlier events) and delivers strictly in arrival order. */
  accept(raw: DomainEvent): void {
    const id = Number(raw?.id);
    if (!Number.isFinite(id) || this.seen.has(id)) return;
    this.seen.add(id);
    if (this.seen.size > SEEN) for (const old of this.seen) { this.seen.delete(old); if (this.seen.size <= SEEN / 2) break; }
    const event: DomainEvent = { ...raw, id, at: new Date(raw.at) };
    this.stats.events++;
    this.inFlight++;
    const prepared = this.prepare(event).catch((err) => {
      this.app.log.warn({ err, eventId: id, type: event.type }, 'live events: could not load an event for subscribers');
      return null;
    });
    this.chain = this.chain.then(async () => {
      const p = await prepared;
      this.inFlight--;
      this.pump();
      if (p) await this.deliver(p).catch((err) => this.app.log.warn({ err, eventId: id, type: event.type }, 'live events: could not deliver an event'));
    });
  }

  private async prepare(e: DomainEvent): Promise<Prepared | null> {
    const kind = orderEventType(e.type);
    const orderId = kind ? orderIdOf(e) : null;
    let skus = skusOf(e).filter((s) => this.bySku.has(s));
    const wantOrder = !!orderId && (this.byOrder.has(orderId) || this.byCustomer.size > 0 || this.byFeed.size > 0);
    const cancelled = e.type === 'order.cancelled' && this.bySku.size > 0;
    if (!wantOrder && !skus.length && !cancelled) return null;

    // One EntityManager for this event, shared by every subscriber's field resolvers (read only).
    const em = this.app.orm.em.fork() as Em;
    const out: Prepared = { stock: [], em };
    if (wantOrder) {
      this.stats.loads++;
      const payload = e.payload as { shipmentId?: string };
      const [order, shipment] = await Promise.all([
        em.findOne(Order, { id: orderId! }),
        kind === 'SHIPMENT_UPDATED' && payload.shipmentId ? em.findOne(Shipment, { id: payload.shipmentId }) : null,
      ]);
      if (order) {
        // The order as of this event: a status event carries the status it moved to, even when a later
        // move has already committed by the time this process loads the row.
        const to = (e.payload as { to?: unknown }).to;
        if (kind === 'STATUS_CHANGED' && typeof to === 'string' && (Object.values(OrderStatus) as string[]).includes(to)) order.status = to as OrderStatus;
        const ev = new OrderEvent();
        Object.assign(ev, {
          type: kind, order, at: e.at, message: messageOf(e, order.currencyCode), shipment: shipment ?? null,
          eventId: e.id, payload: e.payload, em, loaders: new Map(),
        });
        out.order = { event: ev, orderId: order.id, customerId: order.customer?.id ?? null, channelId: order.channel.id };
      }
    }
    if (cancelled && orderId) {
      const lines = await em.find(OrderLine, { order: orderId }, { fields: ['sku'] });
      skus = [...new Set([...skus, ...lines.map((l) => l.sku).filter((s) => this.bySku.has(s))])];
    }
    if (skus.length) {
      this.stats.loads++;
      const by = await availableBy(em, 'sku', skus);
      out.stock = skus.map((sku) => Object.assign(new StockAvailability(), { sku, available: by.get(sku) ?? 0 }));
    }
    return out;
  }

  private async deliver(p: Prepared): Promise<void> {
    if (p.order) {
      const { event, orderId, customerId, channelId } = p.order;
      // A subscriber is in one index only: the order's, the customer's and the feeds' subscribers are apart.
      const feeds = [...this.byFeed].filter(([key]) => key === '*' || key.split(',').includes(channelId)).map(([, set]) => set);
      await this.hand([this.byOrder.get(orderId), customerId ? this.byCustomer.get(customerId) : undefined, ...feeds], event, p.em, event.loaders);
    }
    for (const a of p.stock) await this.hand([this.bySku.get(a.sku)], a, p.em, new Map());
  }

  /** One event to its subscribers: written ones through their audiences, pulled ones pushed (each runs it). */
  private async hand<T>(sets: (Set<LiveSubscriber<T>> | undefined)[], v: T, em: Em, loaders: Map<string, any>): Promise<void> {
    if (!this.pushPulled(sets, v)) return;
    const { delivered, dropped } = await broadcast(sets, v, em, loaders, (err) => this.app.log.warn({ err }, 'live events: could not execute an event for its subscribers'));
    this.stats.deliveries += delivered;
    this.stats.dropped += dropped;
  }

  /**
   * Pushes the event to the pulled subscribers among `sets`; whether any of them writes its own messages.
   * Not a loop of `hand`: V8 does not optimize a loop while it runs inside an async function, so each step
   * over 10,000 subscribers would allocate an iterator result (see broadcast, audience.ts).
   */
  private pushPulled<T>(sets: (Set<LiveSubscriber<T>> | undefined)[], v: T): boolean {
    let written = false;
    for (let i = 0; i < sets.length; i++) {
      const set = sets[i];
      if (set === undefined) continue;
      for (const s of set) {
        if (s.wire) written = true;
        else this.push(s, v);
      }
    }
    return written;
  }

  private push<T>(s: LiveSubscriber<T>, v: T): void {
    s.push(v);
    if (s.closed) this.stats.dropped++;
    else this.stats.deliveries++;
  }

  // ---------------------------------------------------------------- authorization, again

  /**
   * Every subscription's principal is checked again on a timer: one query per kind of token for all
   * subscribers together. A revoked or expired session or API key ends its subscriptions with
   * UNAUTHENTICATED. Order access tokens are resolved again from the raw header (once per distinct token),
   * when the context carries it (`ctx.authorization`).
   */
  async recheck(): Promise<number> {
    const sessions = new Set<string>();
    const keys = new Set<string>();
    const staffSessions = new Set<string>();
    const orderTokens = new Map<string, string>();
    for (const s of this.all) {
      if (s.principal.kind === 'customer') sessions.add(s.principal.sessionId);
      else if (s.principal.kind === 'admin' && s.principal.sessionId) staffSessions.add(s.principal.sessionId);
      else if (s.principal.kind === 'admin') keys.add(s.principal.keyId);
      else if (s.principal.kind === 'order' && s.authorization) orderTokens.set(s.authorization, s.principal.orderId);
    }
    if (!sessions.size && !keys.size && !staffSessions.size && !orderTokens.size) return 0;
    const em = this.app.orm.em.fork() as Em;
    // Order access tokens: one query by their hashes (the way TokenService resolves them), for all at once.
    const badTokens = new Set<string>();
    if (orderTokens.size) {
      const hashes = new Map<string, string>();
      for (const auth of orderTokens.keys()) {
        const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
        if (m) hashes.set(hashToken(m[1]), auth);
        else badTokens.add(auth);
      }
      const rows = hashes.size ? await em.find(Order, { accessTokenHash: { $in: [...hashes.keys()] } }, { fields: ['id', 'accessTokenHash'] }) : [];
      const found = new Map(rows.map((r) => [r.accessTokenHash!, r.id]));
      for (const [hash, auth] of hashes) if (found.get(hash) !== orderTokens.get(auth)) badTokens.add(auth);
    }
    const [liveSessions, liveKeys, liveStaff] = await Promise.all([
      sessions.size ? em.find(CustomerSession, { id: { $in: [...sessions] }, revokedAt: null, expiresAt: { $gt: new Date() } }, { fields: ['id'] }) : [],
      keys.size ? em.find(ApiKey, { id: { $in: [...keys] }, revokedAt: null }, { fields: ['id'] }) : [],
      staffSessions.size ? em.find(StaffSession, { id: { $in: [...staffSessions] }, revokedAt: null, expiresAt: { $gt: new Date() }, staffMember: { disabledAt: null } }, { populate: ['staffMember'] }) : [],
    ]);
    const okSessions = new Set(liveSessions.map((s) => s.id));
    const okKeys = new Set(liveKeys.map((k) => k.id));
    // A member whose roles or channels changed since subscribing is asked to subscribe again (checked anew).
    const staffGrant = new Map(liveStaff.map((k) => [k.id, grantOf(k.staffMember.roles, k.staffMember.channelIds)]));
    let ended = 0;
    for (const s of [...this.all]) {
      const p = s.principal;
      const valid = p.kind === 'customer' ? okSessions.has(p.sessionId)
        : p.kind === 'admin' ? (p.sessionId ? staffGrant.get(p.sessionId) === grantOf(p.roles, p.channelIds) : okKeys.has(p.keyId))
        : p.kind === 'order' ? !(s.authorization && badTokens.has(s.authorization))
        : true;
      if (!valid) {
        ended++;
        s.fail(new OrdoError('UNAUTHENTICATED', 'The token of this subscription was revoked or has expired, or its roles or channels changed; the subscription ended (subscribe again).'));
      }
    }
    return ended;
  }
}
