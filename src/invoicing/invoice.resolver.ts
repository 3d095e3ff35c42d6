// Invoices in GraphQL: readable by the order's customer, its access token's holder, or staff.
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { adminIn, channelScope } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { manyBy, oneBy } from '../kernel/loaders.js';
import { Order } from '../order-core/order.entity.js';
import { Invoice, InvoiceLine } from './invoice.entity.js';
import { InvoiceService } from './invoice.service.js';

@Resolver(() => Invoice)
export class InvoiceResolver {
  @Query(() => Invoice, { nullable: true })
  invoice(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<Invoice | null> {
    return ctx.app.service(InvoiceService).readable(ctx.em, ctx.principal, id);
  }

  @Query(() => [Order], { description: 'Admin: orders whose money is not settled: captured − refunded differs from what the order owes (its total less what its returns refunded; nothing once cancelled; shipped orders not captured in full), or from invoiced − credited. Empty when every job has run and every provider answered.' })
  async unreconciledOrders(@Ctx() ctx: OrdoContext): Promise<Order[]> {
    const em = can(ctx, adminIn('orders')).em;
    const ids = await ctx.app.service(InvoiceService).unreconciledOrderIds(em);
    const scope = channelScope(ctx.principal);
    return ids.length ? em.find(Order, { id: { $in: ids }, ...(scope ? { channel: { $in: scope } } : {}) }, { orderBy: { id: 'desc' } }) : [];
  }

  @FieldResolver(() => Order)
  async order(@Root() invoice: Invoice, @Ctx() ctx: OrdoContext): Promise<Order> {
    return (await oneBy(ctx, Order).load(invoice.order.id))!;
  }

  @FieldResolver(() => Invoice, { nullable: true, description: 'The invoice a credit note corrects.' })
  correctsInvoice(@Root() invoice: Invoice, @Ctx() ctx: OrdoContext): Promise<Invoice | null> | null {
    return invoice.correctsInvoice ? oneBy(ctx, Invoice).load(invoice.correctsInvoice.id) : null;
  }

  @FieldResolver(() => String, { description: 'A signed, expiring link to the PDF.' })
  pdfUrl(@Root() invoice: Invoice, @Ctx() ctx: OrdoContext): string {
    return ctx.app.service(InvoiceService).pdfUrl(invoice);
  }
}

@Resolver(() => Order)
export class OrderInvoicesField {
  @FieldResolver(() => [Invoice])
  invoices(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<Invoice[]> {
    return manyBy(ctx, Invoice, 'order', (i) => i.order.id, { id: 'asc' }).load(order.id);
  }
}

@Resolver(() => InvoiceLine)
export class InvoiceLineFields {
  @FieldResolver(() => Boolean, { description: "Whether unitPrice includes tax (the order's prices include tax): the line's tax was taken out of its gross." })
  unitPriceIncludesTax(@Root() line: InvoiceLine): boolean {
    return line.unitPriceIncludesTax ?? false;
  }
}
