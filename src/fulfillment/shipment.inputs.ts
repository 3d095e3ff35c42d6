import { Field, InputType } from 'type-graphql';
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
