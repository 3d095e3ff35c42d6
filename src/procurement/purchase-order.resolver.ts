import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { connectionOf } from '../kernel/graphql-types.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import type { Page } from '../kernel/pagination.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { PurchaseOrderService } from './purchase-order.service.js';
import { PurchaseOrderReceiving } from './purchase-order-receiving.js';
import { PurchaseOrderDocuments } from './purchase-order-documents.js';
import { PurchaseOrder, PurchaseOrderLine } from './purchase-order.entity.js';
import { Supplier } from './supplier.entity.js';
import { CreatePurchaseOrderInput, PurchaseOrderFilter, ReceiveLineInput, UpdatePurchaseOrderInput } from './procurement.inputs.js';

export const PurchaseOrderConnection = connectionOf(PurchaseOrder, 'PurchaseOrder');
const orders = (ctx: OrdoContext) => ctx.app.service(PurchaseOrderService);

@Resolver(() => PurchaseOrder)
export class PurchaseOrderResolver {
  @Query(() => PurchaseOrderConnection, { description: 'Newest first.' })
  purchaseOrders(
    @Arg('filter', () => PurchaseOrderFilter, { nullable: true }) filter: PurchaseOrderFilter | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<PurchaseOrder>> {
    return orders(ctx).list(can(ctx, admin('inventory')).em, filter, first, after);
  }

  @Query(() => PurchaseOrder)
  purchaseOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<PurchaseOrder> {
    return orders(ctx).get(can(ctx, admin('inventory')).em, id);
  }

  @Mutation(() => PurchaseOrder, { description: 'A DRAFT purchase order; the cost of a line defaults to the supplier item\'s cost price.' })
  createPurchaseOrder(@Arg('input', () => CreatePurchaseOrderInput) input: CreatePurchaseOrderInput, @Ctx() ctx: OrdoContext): Promise<PurchaseOrder> {
    return orders(ctx).create(can(ctx, admin('inventory')).em, ctx.principal, input);
  }

  @Mutation(() => PurchaseOrder)
  updatePurchaseOrder(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePurchaseOrderInput) input: UpdatePurchaseOrderInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<PurchaseOrder> {
    return orders(ctx).update(can(ctx, admin('inventory')).em, ctx.principal, id, input);
  }

  @Mutation(() => PurchaseOrder, { description: 'DRAFT → SENT: its units count as incoming, and its PDF is mailed to the supplier.' })
  sendPurchaseOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<PurchaseOrder> {
    return orders(ctx).send(can(ctx, admin('inventory')).em, ctx.principal, id);
  }

  @Mutation(() => PurchaseOrder, { description: 'A DRAFT, or a SENT one nothing has arrived for.' })
  cancelPurchaseOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<PurchaseOrder> {
    return orders(ctx).cancel(can(ctx, admin('inventory')).em, ctx.principal, id);
  }

  @Mutation(() => PurchaseOrder, { description: "Books a delivery into stock at the order's location (RECEIVED movements); waiting backorders are served from it, oldest order first. A repeat with the same idempotencyKey books nothing." })
  receivePurchaseOrder(
    @Arg('id', () => ID) id: string,
    @Arg('lines', () => [ReceiveLineInput]) lines: ReceiveLineInput[],
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<PurchaseOrder> {
    return ctx.app.service(PurchaseOrderReceiving).receive(can(ctx, admin('inventory')).em, ctx.principal, id, lines, idempotencyKey);
  }

  @FieldResolver(() => Supplier)
  async supplier(@Root() po: PurchaseOrder, @Ctx() ctx: OrdoContext): Promise<Supplier> {
    return (await oneBy(ctx, Supplier).load(po.supplier.id))!;
  }

  @FieldResolver(() => StockLocation)
  async location(@Root() po: PurchaseOrder, @Ctx() ctx: OrdoContext): Promise<StockLocation> {
    return (await oneBy(ctx, StockLocation).load(po.location.id))!;
  }

  @FieldResolver(() => [PurchaseOrderLine])
  lines(@Root() po: PurchaseOrder, @Ctx() ctx: OrdoContext): Promise<PurchaseOrderLine[]> {
    return manyBy(ctx, PurchaseOrderLine, 'purchaseOrder', (l) => l.purchaseOrder.id, { sku: 'asc' }).load(po.id);
  }

  @FieldResolver(() => Int, { description: "What the ordered units cost, in minor units of the order's currency." })
  async totalCost(@Root() po: PurchaseOrder, @Ctx() ctx: OrdoContext): Promise<number> {
    return (await this.lines(po, ctx)).reduce((s, l) => s + l.quantityOrdered * l.unitCost, 0);
  }

  @FieldResolver(() => String, { nullable: true, description: 'A signed link to the PDF the supplier was sent (null for a draft).' })
  documentUrl(@Root() po: PurchaseOrder, @Ctx() ctx: OrdoContext): string | null {
    return ctx.app.service(PurchaseOrderDocuments).signedUrl(po);
  }
}

@Resolver(() => PurchaseOrderLine)
export class PurchaseOrderLineFields {
  @FieldResolver(() => ProductVariant)
  async variant(@Root() line: PurchaseOrderLine, @Ctx() ctx: OrdoContext): Promise<ProductVariant> {
    return (await oneBy(ctx, ProductVariant).load(line.variant.id))!;
  }
}
