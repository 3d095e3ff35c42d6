import type { EntityManager } from '@mikro-orm/core';
import { recordEvent } from '../kernel/outbox/record-event.js';
import type { TransitionResult } from '../kernel/state-machine.js';
import { OrderHistoryEntry } from './order-history.entity.js';
import type { Order } from './order.entity.js';
import type { OrderStatus } from './order-status.js';

export function addHistory(
  em: EntityManager,
  order: Order,
  entry: { type: string; message: string; actor: string; from?: OrderStatus | null; to?: OrderStatus | null },
): void {
  em.persist(em.create(OrderHistoryEntry, {
    order, type: entry.type, message: entry.message, actor: entry.actor, fromStatus: entry.from ?? null, toStatus: entry.to ?? null,
  }));
}

/** The history entry and the domain event of a status move (`order.confirmed`, `order.cancelled`, ...). */
export function recordTransition(em: EntityManager, order: Order, move: TransitionResult<OrderStatus>, actor: string, message: string): void {
  const text = move.redirectedBy ? `${message} Held: ${move.redirectedBy}` : message;
  addHistory(em, order, { type: 'STATUS_CHANGED', from: move.from, to: move.to, message: text, actor });
  recordEvent(em, `order.${move.to.toLowerCase()}`, {
    orderId: order.id, number: order.number, from: move.from, to: move.to, message: text,
  }, order.id);
}
