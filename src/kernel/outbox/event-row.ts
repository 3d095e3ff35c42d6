// An outbox row as the relay claims it and a group job reads it again, and the event it holds.
import type { DomainEvent } from '../module.js';

export interface EventRow {
  id: number | string;
  type: string;
  aggregate_id: string | null;
  payload: string | Record<string, unknown>;
  created_at_ms: number | string;
  trace_parent: string | null;
}

export function toEvent(r: EventRow): DomainEvent {
  return {
    id: Number(r.id),
    type: r.type,
    aggregateId: r.aggregate_id,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    at: new Date(Number(r.created_at_ms)),
  };
}
