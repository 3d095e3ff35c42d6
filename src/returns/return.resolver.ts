// Returns in GraphQL: the order's customer, its access token's holder or staff request, read and cancel
// them; staff approve, reject and receive.
import DataLoader from 'dataloader';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { loader, type OrdoContext } from '../kernel/context.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { MoneyScalar } from '../kernel/graphql-types.js';
import { Order } from '../order-core/order.entity.js';
import { OrderLine } from '../order-core/order-line.entity.js';
import { DocumentService } from '../documents/document.service.js';
import { OrderEvent, OrderEventType } from '../live/live-types.js';
import { ReturnLine, ReturnRequest } from './return-request.entity.js';
import { ReceiveReturnLineInput, RequestReturnInput } from './return.inputs.js';
import { ReturnService } from './return.service.js';
import { RefundDestination, ReturnStatus } from './return-status.js';
import { returnQueue } from './return-queue.js';
import { returnLinesOfOrders } from './return-lines-of-orders.js';
import { connectionOf } from '../kernel/graphql-types.js';
import type { Page } from '../kernel/pagination.js';

export const ReturnRequestConnection = connectionOf(ReturnRequest, 'ReturnRequest');
import { returnCredits } from '../gift-cards/give-back.js';

const returns = (ctx: OrdoContext) => ctx.app.service(ReturnService);
const KEY_DOC = 'A retry with the same key and arguments returns the return and changes nothing; the same key with other arguments is CONFLICT.';

@Resolver(() => ReturnRequest)
export class ReturnResolver {
  @Query(() => ReturnRequestConnection, { description: "Staff (orders): the returns of their channels, newest first; `status` keeps those in these statuses (the queue: REQUESTED to approve, APPROVED to receive)." })
  returnRequests(
    @Arg('status', () => [ReturnStatus], { nullable: true }) status: ReturnStatus[] | null,
    @Arg('channelCode', () => String, { nullable: true }) channelCode: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<ReturnRequest>> {
    return returnQueue(ctx.app, ctx.em, ctx.principal, { status, channelCode }, first, after);
  }

  @Query(() => ReturnRequest, { nullable: true })
  returnRequest(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<ReturnRequest | null> {
    return returns(ctx).readable(ctx.em, ctx.principal, id);
  }

  @Mutation(() => ReturnRequest, { description: "The order's customer, its access token's holder, or staff. `approve` (staff only) approves it at once." })
  requestReturn(
    @Arg('input', () => RequestReturnInput) input: RequestReturnInput,
    @Arg('approve', () => Boolean, { nullable: true }) approve: boolean | undefined,
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ReturnRequest> {
    return returns(ctx).request(ctx.em, ctx.principal, input, approve, idempotencyKey);
  }

  @Mutation(() => ReturnRequest)
  approveReturn(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<ReturnRequest> {
    return returns(ctx).approve(ctx.em, ctx.principal, id);
  }

  @Mutation(() => ReturnRequest)
  rejectReturn(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: OrdoContext): Promise<ReturnRequest> {
    return returns(ctx).reject(ctx.em, ctx.principal, id, reason);
  }

  @Mutation(() => ReturnRequest)
  receiveReturn(
    @Arg('id', () => ID) id: string,
    @Arg('lines', () => [ReceiveReturnLineInput]) lines: ReceiveReturnLineInput[],
    @Arg('idempotencyKey', () => String, { nullable: true, description: KEY_DOC }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<ReturnRequest> {
    return returns(ctx).receive(ctx.em, ctx.principal, id, lines, idempotencyKey);
  }

  @Mutation(() => ReturnRequest, { description: 'Cancels a return before it is received: its customer, access token holder, or staff.' })
  cancelReturn(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<ReturnRequest> {
    return returns(ctx).cancel(ctx.em, ctx.principal, id);
  }

  @FieldResolver(() => Order)
  async order(@Root() r: ReturnRequest, @Ctx() ctx: OrdoContext): Promise<Order> {
    return (await oneBy(ctx, Order).load(r.order.id))!;
  }

  @FieldResolver(() => [ReturnLine])
  lines(@Root() r: ReturnRequest, @Ctx() ctx: OrdoContext): Promise<ReturnLine[]> {
    return manyBy(ctx, ReturnLine, 'returnRequest', (l) => l.returnRequest.id, { id: 'asc' }).load(r.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'A signed, expiring link to the return label (PDF).' })
  labelUrl(@Root() r: ReturnRequest, @Ctx() ctx: OrdoContext): string | null {
    return r.labelKey ? ctx.app.service(DocumentService).signedUrl(r.labelKey) : null;
  }

  @FieldResolver(() => MoneyScalar, { nullable: true, description: 'Money refunded to the order\'s payments for this return; null until it is resolved by a refund.' })
  refundTotal(@Root() r: ReturnRequest): number | null {
    return r.refundedAmount ?? null;
  }

  @FieldResolver(() => RefundDestination, { description: 'Where a REFUND resolution\'s money goes: the original payment, or the customer\'s store credit.' })
  refundTo(@Root() r: ReturnRequest): RefundDestination {
    return r.refundTo ?? RefundDestination.ORIGINAL_PAYMENT;
  }

  @FieldResolver(() => MoneyScalar, { description: 'Credited to the customer\'s store credit as this return\'s resolution (refundTo STORE_CREDIT); 0 otherwise.' })
  async storeCreditTotal(@Root() r: ReturnRequest, @Ctx() ctx: OrdoContext): Promise<number> {
    return (await returnCredits(ctx.em, r.id)).storeCredit;
  }

  @FieldResolver(() => MoneyScalar, { description: 'The share of the returned units a gift card or store credit paid, given back to it.' })
  async tenderRefundTotal(@Root() r: ReturnRequest, @Ctx() ctx: OrdoContext): Promise<number> {
    return (await returnCredits(ctx.em, r.id)).tenderGivenBack;
  }

  @FieldResolver(() => Order, { nullable: true })
  exchangeOrder(@Root() r: ReturnRequest, @Ctx() ctx: OrdoContext): Promise<Order | null> | null {
    return r.exchangeOrder ? oneBy(ctx, Order).load(r.exchangeOrder.id) : null;
  }
}

@Resolver(() => ReturnLine)
export class ReturnLineFields {
  @FieldResolver(() => OrderLine)
  async orderLine(@Root() l: ReturnLine, @Ctx() ctx: OrdoContext): Promise<OrderLine> {
    return (await oneBy(ctx, OrderLine).load(l.orderLine.id))!;
  }
}

@Resolver(() => Order)
export class OrderReturnsField {
  /**
   * The returns of the orders of a page: one statement for all of them; when the request also asks for their
   * lines, the lines of those orders' returns are read at the same time (a second statement, sent alongside
   * the first: one round trip instead of two in a row) and handed to `ReturnRequest.lines`.
   */
  @FieldResolver(() => [ReturnRequest])
  async returns(@Root() order: Order, @Ctx() ctx: OrdoContext, @Info() info: GraphQLResolveInfo): Promise<ReturnRequest[]> {
    const requests = manyBy(ctx, ReturnRequest, 'order', (r) => r.order.id, { id: 'asc' }).load(order.id);
    if (!selects(info, 'lines')) return requests;
    const [found, lines] = await Promise.all([requests, returnLinesByOrders(ctx).load(order.id)]);
    const byReturn = manyBy(ctx, ReturnLine, 'returnRequest', (l) => l.returnRequest.id, { id: 'asc' });
    for (const r of found) byReturn.prime(r.id, lines.get(r.id) ?? []);
    return found;
  }
}

/** The lines of the returns of some orders, by return id, in one statement per batch of orders. */
function returnLinesByOrders(ctx: OrdoContext): DataLoader<string, Map<string, ReturnLine[]>> {
  return loader(ctx, 'returnLinesOfOrders', () => new DataLoader<string, Map<string, ReturnLine[]>>(async (orderIds) => {
    const rows = await returnLinesOfOrders(ctx.em, orderIds);
    const byReturn = new Map<string, ReturnLine[]>();
    for (const l of rows) byReturn.set(l.returnRequest.id, [...(byReturn.get(l.returnRequest.id) ?? []), l]);
    return orderIds.map(() => byReturn);
  }));
}

/** Whether the field's selection (fragments included) asks for `name` directly below it. */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean => !!set && set.selections.some((s) =>
    s.kind === Kind.FIELD ? s.name.value === name
      : s.kind === Kind.INLINE_FRAGMENT ? visit(s.selectionSet)
        : visit(info.fragments[s.name.value]?.selectionSet));
  return info.fieldNodes.some((f) => visit(f.selectionSet));
}

@Resolver(() => OrderEvent)
export class OrderEventReturnField {
  /** The return a RETURN_UPDATED event is about (its domain event's payload names it). */
  @FieldResolver(() => ReturnRequest, { nullable: true })
  async returnRequest(@Root() e: OrderEvent, @Ctx() ctx: OrdoContext): Promise<ReturnRequest | null> {
    if (e.type !== OrderEventType.RETURN_UPDATED) return null;
    const id = e.payload?.returnId;
    return typeof id === 'string' ? oneBy(ctx, ReturnRequest).load(id) : null;
  }
}
