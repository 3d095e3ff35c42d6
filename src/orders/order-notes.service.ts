// Staff's notes and tags on an order (docs/order-notes-and-tags.md): each under the
// order's lock, each a history entry naming the staff member.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, adminIn, authorize, orderStaff, type Principal } from '../kernel/auth.js';
import { withOrder } from '../order-core/order-lock.js';
import { addOrderNoteIn } from '../order-core/order-notes.js';
import { tagOrderIn, untagOrderIn } from '../order-core/order-tags.js';
import type { Order } from '../order-core/order.entity.js';

export class OrderNotesService {
  constructor(readonly app: AppRuntime) {}

  addNote(em: Em, principal: Principal, orderId: string, text: string): Promise<Order> {
    return this.change(em, principal, orderId, async (tx, order) => addOrderNoteIn(tx, order, text, actorName(principal)));
  }

  tag(em: Em, principal: Principal, orderId: string, tags: string[]): Promise<Order> {
    return this.change(em, principal, orderId, async (tx, order) => { await tagOrderIn(tx, order, tags, actorName(principal)); });
  }

  untag(em: Em, principal: Principal, orderId: string, tags: string[]): Promise<Order> {
    return this.change(em, principal, orderId, async (tx, order) => { await untagOrderIn(tx, order, tags, actorName(principal)); });
  }

  private change(em: Em, principal: Principal, orderId: string, apply: (tx: Em, order: Order) => Promise<void>): Promise<Order> {
    authorize(principal, adminIn('orders'));
    return withOrder(em, orderId, async (tx, order) => {
      authorize(principal, orderStaff(order));
      await apply(tx, order);
      return order;
    });
  }
}
