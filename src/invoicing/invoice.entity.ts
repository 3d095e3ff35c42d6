// Invoices and credit notes. Each documents one row of the payment ledger (a capture or a refund), so a
// job that runs twice issues nothing twice (unique sourceOperationId); numbers are gap-free per channel
// and kind (a counter row moved in the issuing transaction, see SequenceService.nextInTransaction).
import { Entity, Enum, Index, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Rel } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar, Node } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { Order } from '../order-core/order.entity.js';

export enum InvoiceKind {
  INVOICE = 'INVOICE',
  CREDIT_NOTE = 'CREDIT_NOTE',
}
registerEnumType(InvoiceKind, { name: 'InvoiceKind' });

@ObjectType()
export class InvoiceLine {
  @Field() description!: string;
  @Field(() => String, { nullable: true }) sku?: string | null;
  @Field(() => Int) quantity!: number;
  @Field(() => MoneyScalar, { description: 'Price of one unit: net, or gross (tax included) when unitPriceIncludesTax.' }) unitPrice!: number;
  @Field(() => Float) taxRatePercent!: number;
  @Field(() => MoneyScalar, { description: 'Net amount of the line: total − taxTotal.' })
  /** Net amount of the line (unitPrice × quantity, its gross less its tax, or the net share of a partial payment). */
  net!: number;
  @Field(() => MoneyScalar, { description: 'Tax of the line.' }) taxTotal!: number;
  @Field(() => MoneyScalar, { description: 'Net plus tax.' }) total!: number;
  /** The order's prices include tax: unitPrice is gross, its tax taken out of the line (docs/prices.md). Absent on older documents: false. */
  unitPriceIncludesTax?: boolean;
}

export interface Party {
  name: string;
  lines: string[];
  email?: string | null;
}

@ObjectType({ implements: Node })
@Entity()
@Unique({ properties: ['channelId', 'kind', 'sequence'] })
@Index({ properties: ['order', 'id'] })
export class Invoice {
  [OptionalProps]?: 'id' | 'issuedAt' | 'pdfRenderedAt' | 'correctsInvoice';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('inv');

  @Field({ description: 'Sequential and gap-free per channel and kind.' })
  @Property({ length: 40 })
  number!: string;

  /** The number's counter value (1, 2, ...), per channel and kind. */
  @Property({ type: 'integer' })
  sequence!: number;

  @Property({ length: 40 })
  channelId!: string;

  @Field(() => InvoiceKind)
  @Enum({ items: () => InvoiceKind })
  kind!: InvoiceKind;

  @ManyToOne('Order')
  order!: Rel<Order>;

  /** The invoice a credit note corrects. */
  @ManyToOne('Invoice', { nullable: true })
  correctsInvoice?: Rel<Invoice> | null;

  /** The capture or refund (PaymentOperation) this document is for: one document per ledger row. */
  @Property({ length: 40, unique: true })
  sourceOperationId!: string;

  @Field(() => DateTimeScalar)
  @Property()
  issuedAt: Date = new Date();

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => [InvoiceLine])
  @Property({ type: JsonType })
  lines!: InvoiceLine[];

  @Field(() => MoneyScalar) @Property({ type: 'integer' }) subtotal!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) taxTotal!: number;
  @Field(() => MoneyScalar) @Property({ type: 'integer' }) total!: number;

  @Property({ type: JsonType })
  seller!: Party;

  @Property({ type: JsonType })
  buyer!: Party;

  @Property({ length: 200 })
  pdfKey!: string;

  @Property({ type: Date, nullable: true })
  pdfRenderedAt?: Date | null;
}
