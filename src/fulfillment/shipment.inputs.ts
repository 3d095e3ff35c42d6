import { Field, ID, InputType, Int } from 'type-graphql';
import { Length } from 'class-validator';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { ShipmentStatus } from './shipment-status.js';

@InputType()
export class TrackingEventInput {
  @Field() @Length(1, 100)
  trackingNumber!: string;

  @Field(() => ShipmentStatus)
  status!: ShipmentStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date;

  @Field({ nullable: true }) @Length(0, 200)
  location?: string;

  @Field({ nullable: true }) @Length(0, 1000)
  description?: string;
}

@InputType({ description: 'Units of one order line to cancel (not yet picked).' })
export class CancelOrderLineInput {
  @Field(() => ID)
  orderLineId!: string;

  @Field(() => Int)
  quantity!: number;
}
