// @ts-check
// What the phone shows: one line per change of one of the customer's orders. Changes reach it twice
// over: live events, and the order list read again after a reconnection (the events sent while the
// phone was away are gone). The screen remembers what it has shown, so that a change is shown once
// whichever way it arrives first.

/** @typedef {import('./engine-api.mjs').Order} Order */
/** @typedef {{ type: string, at: string, message: string, order: Order, shipment: import('./engine-api.mjs').Shipment | null }} OrderEvent */

const STATUS = {
  PENDING: 'Waiting for payment',
  CONFIRMED: 'Confirmed',
  BACKORDERED: 'Confirmed, some items on backorder',
  ON_HOLD: 'On hold',
  IN_FULFILLMENT: 'Being packed',
  PARTIALLY_SHIPPED: 'Partly shipped',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  CANCELLED: 'Cancelled',
};

const PARCEL = {
  PENDING: 'waiting to be picked',
  PICKED: 'picked',
  PACKED: 'packed',
  LABELLED: 'labelled',
  SHIPPED: 'handed to the carrier',
  IN_TRANSIT: 'in transit',
  OUT_FOR_DELIVERY: 'out for delivery',
  DELIVERED: 'delivered',
  EXCEPTION: 'delayed (carrier exception)',
  CANCELLED: 'cancelled',
};

/** Statuses where the tracking number is worth showing. */
const TRACKED = new Set(['PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED']);

/** @param {string} s */
const label = (s) => STATUS[/** @type {keyof STATUS} */ (s)] ?? s;

/** The newest tracking number among the order's parcels. @param {Order} o */
const trackingOf = (o) => o.shipments?.map((s) => s.trackingNumber).filter(Boolean).at(-1) ?? null;

/**
 * @typedef {object} Shown
 * @property {string} number
 * @property {string} status     the status on screen
 * @property {string | null} tracking
 * @property {number} listedAt   updatedAt of the order when the list was last read (ms): events older than that are in it
 */

export class OrderScreen {
  /** @param {(line: string) => void} print */
  constructor(print) {
    this.print = print;
    /** @type {Map<string, Shown>} */
    this.shown = new Map();
    /** Parcel states and other event lines already on screen. @type {Set<string>} */
    this.seen = new Set();
  }

  /** The list right after signing in. @param {Order[]} orders */
  list(orders) {
    this.print(`online — ${orders.length} order${orders.length === 1 ? '' : 's'}`);
    for (const o of orders.slice(0, 10)) {
      const t = trackingOf(o);
      this.print(`  #${o.number}  ${label(o.status)}${t && TRACKED.has(o.status) ? ` — tracking ${t}` : ''}`);
    }
    for (const o of orders) this.remember(o);
  }

  /**
   * The list read again after a reconnection: shows every order whose status (or tracking) differs from
   * what is on screen, and orders placed meanwhile. Returns how many changes it showed.
   * @param {Order[]} orders
   */
  catchUp(orders) {
    let changes = 0;
    for (const o of [...orders].reverse()) {
      const before = this.shown.get(o.id);
      const tracking = trackingOf(o);
      if (!before) {
        this.print(this.line(o.number, o.status, tracking) + ' (new order)');
        changes++;
      } else if (before.status !== o.status || (tracking && tracking !== before.tracking && TRACKED.has(o.status))) {
        this.print(this.line(o.number, o.status, tracking));
        changes++;
      }
      this.remember(o);
    }
    return changes;
  }

  /** One live event; false when it was on screen already. @param {OrderEvent} e */
  event(e) {
    const o = e.order;
    const at = Date.parse(e.at);
    const before = this.shown.get(o.id);
    // The list read after the reconnection already holds every change older than the order's updatedAt.
    if (before && at < before.listedAt) return false;
    const tracking = trackingOf(o) ?? before?.tracking ?? null;
    let line;
    if (e.type === 'STATUS_CHANGED') {
      if (before?.status === o.status) return false;
      line = this.line(o.number, o.status, tracking);
    } else if (e.type === 'SHIPMENT_UPDATED' && e.shipment) {
      const key = `${e.shipment.id}:${e.shipment.status}`;
      if (this.seen.has(key)) return false;
      this.seen.add(key);
      const parcel = PARCEL[/** @type {keyof PARCEL} */ (e.shipment.status)] ?? e.shipment.status;
      line = `Order #${o.number} — Parcel ${parcel}${e.shipment.trackingNumber ? ` — tracking ${e.shipment.trackingNumber}` : ''}`;
    } else {
      const key = `${o.id}|${e.type}|${e.message}|${e.at}`;
      if (this.seen.has(key)) return false;
      this.seen.add(key);
      line = `Order #${o.number} — ${e.message}`;
    }
    this.shown.set(o.id, { number: o.number, status: e.type === 'STATUS_CHANGED' ? o.status : (before?.status ?? o.status), tracking, listedAt: before?.listedAt ?? 0 });
    this.print(line);
    return true;
  }

  /** @param {string} number @param {string} status @param {string | null} tracking */
  line(number, status, tracking) {
    return `Order #${number} — ${label(status)}${tracking && TRACKED.has(status) ? ` — tracking ${tracking}` : ''}`;
  }

  /** @param {Order} o */
  remember(o) {
    this.shown.set(o.id, { number: o.number, status: o.status, tracking: trackingOf(o), listedAt: Date.parse(o.updatedAt) });
    for (const s of o.shipments ?? []) this.seen.add(`${s.id}:${s.status}`);
  }
}
