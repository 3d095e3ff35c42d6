// orderEditPreview's answer: the order as the edit would leave it, priced by the plan commit uses.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MoneyScalar } from '../kernel/graphql-types.js';
import type { Order } from '../order-core/order.entity.js';
import { OrderEdit } from './order-edit.entity.js';
import type { EditPlan } from './edit-plan.js';

@ObjectType()
export class OrderEditPreviewLine {
  @Field(() => ID, { nullable: true, description: 'The order line; null for a line the edit adds.' }) orderLineId!: string | null;
  @Field() sku!: string;
  @Field() name!: string;
  @Field(() => Int) quantity!: number;
  @Field(() => Int) previousQuantity!: number;
  @Field(() => MoneyScalar) unitPrice!: number;
  @Field(() => MoneyScalar) taxTotal!: number;
  @Field(() => MoneyScalar) lineTotal!: number;
}

@ObjectType({ description: 'What commitOrderEdit would do now: the new lines and totals, and the money that follows.' })
export class OrderEditPreview {
  @Field(() => OrderEdit) edit!: OrderEdit;
  @Field() currencyCode!: string;
  @Field(() => [OrderEditPreviewLine]) lines!: OrderEditPreviewLine[];
  @Field(() => MoneyScalar) subtotal!: number;
  @Field(() => MoneyScalar) shippingTotal!: number;
  @Field(() => MoneyScalar) taxTotal!: number;
  @Field(() => MoneyScalar) discountTotal!: number;
  @Field(() => MoneyScalar) total!: number;
  @Field(() => MoneyScalar) previousTotal!: number;
  @Field(() => MoneyScalar, { description: 'To pay more: commitOrderEdit authorizes it with its payment argument.' }) amountDue!: number;
  @Field(() => MoneyScalar, { description: 'Captured money above the new total: refunded when the edit is committed.' }) amountToRefund!: number;
}

export function toPreview(edit: OrderEdit, order: Order, plan: EditPlan): OrderEditPreview {
  return {
    edit, currencyCode: order.currencyCode,
    lines: plan.lines.map((p) => ({
      orderLineId: p.line?.id ?? null, sku: p.sku, name: p.name, quantity: p.quantity, previousQuantity: p.previous,
      unitPrice: p.priced.unitPrice, taxTotal: p.priced.tax, lineTotal: p.priced.total,
    })),
    subtotal: plan.subtotal, shippingTotal: plan.shippingTotal, taxTotal: plan.taxTotal, discountTotal: plan.discountTotal,
    total: plan.total, previousTotal: plan.previousTotal, amountDue: plan.amountDue, amountToRefund: plan.amountToRefund,
  };
}
