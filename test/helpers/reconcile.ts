// The check every flow that changes an order ends with (issue 13): money, documents and stock agree.
// - money: per order, captured − refunded = what it owes (its total less what its returns refunded,
//   nothing once CANCELLED), and nothing is still waiting to be refunded;
// - documents: invoices − credit notes = captured − refunded (when invoices follow captures; an invoice's
//   total is what the payment paid: gift cards and store credit are a means of payment, shown on its lines);
// - tender: gift-card and store-credit balances = their ledgers, never below zero; a cancelled order's
//   tender all given back;
// - stock: every level's on hand equals the sum of its ledger movements, and its reserved units equal the
//   units the order lines and ACTIVE checkout holds hold there (so nothing stays reserved for cancelled or shipped units).
// Read straight from the database, as an auditor would.
import { expect } from 'vitest';
import type { TestEngine } from './engine.js';

export interface ReconcileOptions {
  /** Orders whose money is checked (default: every order). */
  orderIds?: string[];
  /** Skip the documents check (ORDO_INVOICE_ON=shipment, where a capture waits for a shipment). */
  documents?: boolean;
  /** Money given back by staff outside returns and cancellations (goodwill refunds), per order: the order owes that much less. */
  goodwill?: Map<string, number>;
}

const n = (v: unknown) => Number(v ?? 0);

export async function expectReconciled(t: TestEngine, opts: ReconcileOptions = {}): Promise<void> {
  const orders = await t.sql(`
    SELECT o.id, o.number, o.status, o.total,
      (SELECT COALESCE(SUM(p.amount_captured - p.amount_refunded), 0) FROM payment p WHERE p.order_id = o.id) AS net,
      (SELECT COALESCE(SUM(CASE WHEN i.kind = 'INVOICE' THEN i.total ELSE -i.total END), 0) FROM invoice i WHERE i.order_id = o.id) AS documented,
      (SELECT COALESCE(SUM(r.refunded_amount), 0) FROM return_request r WHERE r.order_id = o.id) AS returned,
      (SELECT COUNT(*) FROM payment_operation po WHERE po.order_id = o.id AND po.kind = 'REFUND' AND po.status = 'PENDING') AS pending_refunds
    FROM orders o`);
  for (const o of orders) {
    if (opts.orderIds && !opts.orderIds.includes(o.id)) continue;
    const owes = o.status === 'CANCELLED' ? 0 : n(o.total) - n(o.returned) - (opts.goodwill?.get(o.id) ?? 0);
    const label = `order ${o.number} (${o.status})`;
    expect(n(o.pending_refunds), `${label}: refunds still pending`).toBe(0);
    if (o.status === 'CANCELLED' || ['SHIPPED', 'DELIVERED'].includes(o.status)) expect(n(o.net), `${label}: captured − refunded = what it owes`).toBe(owes);
    else expect(n(o.net), `${label}: captured − refunded ≤ what it owes`).toBeLessThanOrEqual(owes);
    if (opts.documents !== false) expect(n(o.documented), `${label}: invoices − credit notes = captured − refunded`).toBe(n(o.net));
  }

  // Tender (gift cards, store credit): every balance is the sum of its ledger and never below zero; an
  // order never holds more than it took, and a cancelled one holds nothing (all given back).
  for (const [accounts, entries, key] of [['gift_card', 'gift_card_entry', 'gift_card_id'], ['store_credit_account', 'store_credit_entry', 'account_id']]) {
    for (const a of await t.sql(`SELECT a.id, a.balance, (SELECT COALESCE(SUM(e.amount), 0) FROM ${entries} e WHERE e.${key} = a.id) AS ledger FROM ${accounts} a`)) {
      expect(n(a.balance), `${accounts} ${a.id}: balance = sum of its ledger`).toBe(n(a.ledger));
      expect(n(a.balance), `${accounts} ${a.id}: balance never below zero`).toBeGreaterThanOrEqual(0);
    }
  }
  const tenderHeld = await t.sql(`SELECT o.id, o.number, o.status, (SELECT COALESCE(SUM(g.amount), 0) FROM gift_card_entry g WHERE g.order_id = o.id AND g.kind IN ('SPENT', 'GIVEN_BACK'))
      + (SELECT COALESCE(SUM(s.amount), 0) FROM store_credit_entry s WHERE s.order_id = o.id AND s.kind IN ('SPENT', 'GIVEN_BACK')) AS net FROM orders o`);
  for (const o of tenderHeld) {
    if (opts.orderIds && !opts.orderIds.includes(o.id)) continue;
    expect(n(o.net), `order ${o.number}: tender given back ≤ taken`).toBeLessThanOrEqual(0);
    if (o.status === 'CANCELLED') expect(n(o.net), `order ${o.number} (CANCELLED): its tender is all given back`).toBe(0);
  }

  const levels = await t.sql('SELECT sku, location_id, on_hand, reserved FROM stock_level');
  const moved = await t.sql('SELECT sku, location_id, SUM(delta) AS n FROM stock_movement GROUP BY sku, location_id');
  const movedAt = new Map(moved.map((m) => [`${m.sku}|${m.location_id}`, n(m.n)]));
  const held = new Map<string, number>();
  for (const l of await t.sql('SELECT sku, allocations FROM order_line WHERE variant_id IS NOT NULL')) {
    const allocations = (typeof l.allocations === 'string' ? JSON.parse(l.allocations) : l.allocations) as { locationId: string; quantity: number }[];
    for (const a of allocations ?? []) held.set(`${l.sku}|${a.locationId}`, (held.get(`${l.sku}|${a.locationId}`) ?? 0) + a.quantity);
  }
  // Units of ACTIVE checkout holds are reserved too (the others gave theirs back or to an order).
  for (const h of await t.sql(`SELECT lines FROM checkout_hold WHERE status = 'ACTIVE'`)) {
    const lines = (typeof h.lines === 'string' ? JSON.parse(h.lines) : h.lines) as { sku: string; allocations: { locationId: string; quantity: number }[] }[];
    for (const l of lines) for (const a of l.allocations) held.set(`${l.sku}|${a.locationId}`, (held.get(`${l.sku}|${a.locationId}`) ?? 0) + a.quantity);
  }
  for (const l of levels) {
    const key = `${l.sku}|${l.location_id}`;
    expect(movedAt.get(key) ?? 0, `stock ${key}: ledger movements add up to on hand`).toBe(n(l.on_hand));
    expect(n(l.reserved), `stock ${key}: reserved = units the order lines and active checkout holds hold there`).toBe(held.get(key) ?? 0);
  }
  const cancelledHolding = await t.sql(`SELECT ol.id, ol.allocations FROM order_line ol JOIN orders o ON o.id = ol.order_id WHERE o.status = 'CANCELLED'`);
  for (const l of cancelledHolding) {
    const a = typeof l.allocations === 'string' ? JSON.parse(l.allocations) : l.allocations;
    expect(a ?? [], `line ${l.id} of a cancelled order holds no stock`).toEqual([]);
  }
}
