// One status move of a return, and the lock it is made under: checked by the return machine, written to
// the order's history and recorded as a `return.<status>` event in the same transaction.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import type { Order } from '../order-core/order.entity.js';
import { withOrderPart } from '../order-core/order-lock.js';
import { addHistory } from '../order-core/order-history.js';
import { ReturnRequest } from './return-request.entity.js';
import { type ReturnStatus, returnMachine } from './return-status.js';

export async function moveReturn(app: AppRuntime, tx: Em, order: Order, ret: ReturnRequest, to: ReturnStatus, actor: string, message: string, extra: Record<string, unknown> = {}): Promise<void> {
  const m = await app.machines.get(returnMachine).transition(tx, ret, to, actor);
  recordReturn(tx, order, ret, m.from, m.to, actor, message, extra);
}

export function recordReturn(tx: Em, order: Order, ret: ReturnRequest, from: ReturnStatus | null, to: ReturnStatus, actor: string, message: string, extra: Record<string, unknown> = {}): void {
  addHistory(tx, order, { type: `RETURN_${to}`, actor, message });
  recordEvent(tx, `return.${to.toLowerCase()}`, { orderId: order.id, returnId: ret.id, number: ret.number, from, to, message, ...extra }, order.id);
}

/** The return, re-read after its order is locked. */
export function withReturn<T>(em: Em, id: string, apply: (tx: Em, order: Order, ret: ReturnRequest) => Promise<T>): Promise<T> {
  return withOrderPart(em, ReturnRequest, id, 'The return', apply);
}
