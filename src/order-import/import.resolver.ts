// importOrders in GraphQL: staff (orders role, within their channels) or a channel connector's API key.
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { OrdoContext } from '../kernel/context.js';
import { ImportOrderInput, MAX_IMPORT_BATCH } from './import.inputs.js';
import { ImportOrdersPayload } from './import.types.js';
import { OrderImportService } from './order-import.service.js';

@Resolver()
export class OrderImportResolver {
  @Mutation(() => ImportOrdersPayload, {
    description: `Imports orders a channel sold and was paid for (a marketplace, a social shop): up to ${MAX_IMPORT_BATCH} per call, each on its own (one refused order does not stop the others; its result says why). Prices and taxes are kept as sent; the payment is recorded as captured by the channel (method external); stock follows the channel's importStockPolicy. One order per (channel, externalId): importing it again answers the existing order, with other content it is CONFLICT. A repeat of the call with the same idempotencyKey answers what the first answered.`,
  })
  importOrders(
    @Arg('channelCode') channelCode: string,
    @Arg('orders', () => [ImportOrderInput]) orders: ImportOrderInput[],
    @Arg('idempotencyKey') idempotencyKey: string,
    @Ctx() ctx: OrdoContext,
  ): Promise<ImportOrdersPayload> {
    return ctx.app.service(OrderImportService).importOrders(ctx.em, ctx.principal, channelCode, orders, idempotencyKey);
  }
}
