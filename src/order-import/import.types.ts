// What importOrders answers: one result per order sent, in the order sent.
import { Field, Int, ObjectType } from 'type-graphql';
import { Order } from '../order-core/order.entity.js';

@ObjectType({ description: 'Why one order of a batch was not imported; the others are not affected.' })
export class ImportOrderError {
  @Field({ description: 'One of the contract codes: BAD_USER_INPUT (an unknown SKU, totals that do not add up), INSUFFICIENT_STOCK, CONFLICT (the externalId was imported with other content).' })
  code!: string;

  @Field()
  message!: string;

  @Field(() => String, { nullable: true, description: 'The input field at fault, from the batch: orders[3].lines[0].sku' })
  field?: string | null;
}

@ObjectType()
export class ImportOrderResult {
  @Field()
  externalId!: string;

  @Field(() => Order, { nullable: true, description: 'The order: made now, or found from an earlier import of the same externalId.' })
  order?: Order | null;

  @Field({ description: 'True when this call made the order; false when it existed (a repeat) or failed.' })
  created!: boolean;

  @Field(() => ImportOrderError, { nullable: true })
  error?: ImportOrderError | null;
}

@ObjectType()
export class ImportOrdersPayload {
  @Field(() => [ImportOrderResult])
  results!: ImportOrderResult[];

  @Field(() => Int, { description: 'Orders made by this call.' })
  created!: number;

  @Field(() => Int, { description: 'Orders that existed already (the same content imported before).' })
  existing!: number;

  @Field(() => Int, { description: 'Orders refused (see each result\'s error).' })
  failed!: number;
}
