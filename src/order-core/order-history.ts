import type { EntityManager } from '@mikro-orm/core';
import { recordEvent } from '../kernel/outbox/record-event.js';
import type { TransitionResult } from '../kernel/state-machine.js';
import { OrderHistoryEntry } from './order-history.entity.js';
import type { OrderStatus } from './order-status.js';

export interface HistoryRecord {
  type: string;
  message: string;
  actor: string;
  from?: OrderStatus | null;
  to?: OrderStatus | null;
}

export interface EventRecord {
  type: string;
  payload: Record<string, unknown>;
  /** The trace it belongs to, when not the current one (a batch written for several jobs: kernel/coalescer.ts). */
  traceParent?: string | null;
}

export function addHistory(em: EntityManager, order: { id: string }, entry: HistoryRecord): void {
  em.persist(em.create(OrderHistoryEntry, {
    order: order.id, type: entry.type, message: entry.message, actor: entry.actor, fromStatus: entry.from ?? null, toStatus: entry.to ?? null,
  }));
}

/** The history entry and the domain event of a status move (`order.confirmed`, `order.cancelled`, ...). */
export function transitionRecords(
  order: { id: string; number: string; externalId?: string | null },
  move: TransitionResult<OrderStatus>,
  actor: string,
  message: string,
): { history: HistoryRecord; event: EventRecord } {
  const text = move.redirectedBy ? `${message} Held: ${move.redirectedBy}` : message;
  return {
    history: { type: 'STATUS_CHANGED', from: move.from, to: move.to, message: text, actor },
    // An order from another system says so (its externalId): channel connectors want those events only.
    event: { type: `order.${move.to.toLowerCase()}`, payload: { orderId: order.id, number: order.number, from: move.from, to: move.to, message: text, ...externalOf(order) } },
  };
}

/** `{ externalId }` for an order from another system (a marketplace's, importOrders), else nothing. */
export function externalOf(order: { externalId?: string | null }): { externalId?: string } {
  return order.externalId ? { externalId: order.externalId } : {};
}

export function recordTransition(em: EntityManager, order: { id: string; number: string; externalId?: string | null }, move: TransitionResult<OrderStatus>, actor: string, message: string): void {
  const { history, event } = transitionRecords(order, move, actor, message);
  addHistory(em, order, history);
  recordEvent(em, event.type, event.payload, order.id);
}
