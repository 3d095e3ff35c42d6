// GraphQL shapes of live updates: OrderEvent (one thing that happened to an order) and StockAvailability.
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { Order } from '../order-core/order.entity.js';
import { Shipment } from '../fulfillment/shipment.entity.js';
import type { Em } from '../kernel/db/orm.js';

export enum OrderEventType {
  STATUS_CHANGED = 'STATUS_CHANGED',
  PAYMENT_STATUS_CHANGED = 'PAYMENT_STATUS_CHANGED',
  SHIPMENT_UPDATED = 'SHIPMENT_UPDATED',
  INVOICE_ISSUED = 'INVOICE_ISSUED',
  RETURN_UPDATED = 'RETURN_UPDATED',
  REFUND_ISSUED = 'REFUND_ISSUED',
  LINES_CANCELLED = 'LINES_CANCELLED',
  ORDER_EDITED = 'ORDER_EDITED',
}
registerEnumType(OrderEventType, {
  name: 'OrderEventType',
  valuesConfig: {
    LINES_CANCELLED: { description: 'Units of the order were cancelled before they shipped: its lines and totals changed.' },
    ORDER_EDITED: { description: 'The order was edited (commitOrderEdit): its lines, totals, address or shipping method changed.' },
  },
});

// `returnRequest: ReturnRequest` joins this type with the returns work (the type does not exist yet).
@ObjectType({ description: 'One thing that happened to an order, pushed to subscribers after it was committed.' })
export class OrderEvent {
  @Field(() => OrderEventType) type!: OrderEventType;
  @Field(() => Order) order!: Order;
  @Field(() => DateTimeScalar) at!: Date;
  @Field() message!: string;
  @Field(() => Shipment, { nullable: true }) shipment?: Shipment | null;

  /** The domain event's id (outbox row id): ordering and de-duplication, not in the schema. */
  eventId!: number;
  /** The domain event's payload (a module's fields on OrderEvent read their ids from it). */
  payload!: Record<string, unknown>;
  /** The EntityManager and DataLoaders shared by every subscriber of this event in this process. */
  em!: Em;
  loaders!: Map<string, any>;
}

@ObjectType({ description: 'Units of a SKU that can be sold now, summed over active stock locations.' })
export class StockAvailability {
  @Field() sku!: string;
  @Field(() => Int) available!: number;
}
