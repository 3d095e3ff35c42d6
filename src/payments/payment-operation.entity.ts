// The ledger of a payment: every capture, void and refund, with the provider's transaction id and the
// caller's idempotency key (unique per payment, so a repeated call finds its first answer). Refunds are
// the REFUND rows; invoices and credit notes are issued for CAPTURE and REFUND rows, one each.
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Order } from '../order-core/order.entity.js';
import type { Payment } from './payment.entity.js';

export enum PaymentOperationKind {
  CAPTURE = 'CAPTURE',
  VOID = 'VOID',
  REFUND = 'REFUND',
}

export enum RefundStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(RefundStatus, { name: 'RefundStatus' });

@Entity()
@Unique({ properties: ['payment', 'idempotencyKey'] })
@Index({ properties: ['order', 'kind'] })
@Index({ properties: ['providerTransactionId'] })
export class PaymentOperation {
  [OptionalProps]?: 'id' | 'createdAt' | 'status' | 'reason' | 'providerTransactionId' | 'idempotencyKey' | 'settlesChange';

  @PrimaryKey({ length: 40 })
  id: string = newId('pop');

  @ManyToOne('Payment')
  payment!: Rel<Payment>;

  @ManyToOne('Order')
  order!: Rel<Order>;

  @Enum({ items: () => PaymentOperationKind })
  kind!: PaymentOperationKind;

  @Property({ type: 'integer' })
  amount!: number;

  /** SUCCEEDED for captures and voids; refunds may be PENDING until the provider's webhook settles them. */
  @Enum({ items: () => RefundStatus })
  status: RefundStatus = RefundStatus.SUCCEEDED;

  @Property({ type: 'string', length: 500, nullable: true })
  reason?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  providerTransactionId?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  idempotencyKey?: string | null;

  /**
   * A refund of captured money above a lowered total (cancelled units, an edit: `oweBack`). False for money
   * given back while the order's total stays (a staff refund, a return): later captures must not take that back.
   */
  @Property()
  settlesChange: boolean = false;

  @Property()
  createdAt: Date = new Date();
}

/** A refund as the API shows it (a REFUND row of the ledger). */
@ObjectType()
export class Refund {
  @Field(() => ID) id!: string;
  @Field(() => MoneyScalar) amount!: number;
  @Field(() => String, { nullable: true }) reason?: string | null;
  @Field(() => RefundStatus) status!: RefundStatus;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => String, { nullable: true, description: "The provider's transaction id of the refund." }) transactionId?: string | null;

  static of(op: PaymentOperation): Refund {
    return Object.assign(new Refund(), { id: op.id, amount: op.amount, reason: op.reason ?? null, status: op.status, createdAt: op.createdAt, transactionId: op.providerTransactionId ?? null });
  }
}
