import type { EntityManager } from '@mikro-orm/core';
import { OutboxEvent } from './outbox-event.entity.js';
import { currentTraceParent } from '../tracing.js';

/** Records a domain event in the caller's unit of work: it is written by the same flush, in the same transaction. */
export function recordEvent(em: EntityManager, type: string, payload: Record<string, unknown>, aggregateId?: string): OutboxEvent {
  const event = em.create(OutboxEvent, { type, payload, aggregateId: aggregateId ?? null, traceParent: currentTraceParent() });
  em.persist(event);
  return event;
}
