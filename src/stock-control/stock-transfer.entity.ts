// A transfer of units from one location to another: DRAFT → IN_TRANSIT (shipped: out of `from`) →
// RECEIVED (every shipped unit into `to`), or CANCELLED from DRAFT. Between the two the units are on
// hand nowhere: in transit is `shipped − received` on the lines, never available for sale.
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import type { StockLocation } from '../inventory/stock-location.entity.js';

export enum StockTransferStatus {
  DRAFT = 'DRAFT',
  IN_TRANSIT = 'IN_TRANSIT',
  RECEIVED = 'RECEIVED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(StockTransferStatus, {
  name: 'StockTransferStatus',
  valuesConfig: {
    DRAFT: { description: 'Planned: nothing has moved.' },
    IN_TRANSIT: { description: 'Shipped out of the source location (TRANSFER_OUT); some units may already be received.' },
    RECEIVED: { description: 'Every shipped unit is on hand at the destination (TRANSFER_IN).' },
    CANCELLED: { description: 'Given up before shipping.' },
  },
});

@ObjectType({ description: 'Units moving from one stock location to another.' })
@Entity()
@Index({ properties: ['status'] })
export class StockTransfer {
  [OptionalProps]?: 'id' | 'status' | 'revision' | 'note' | 'createdAt' | 'shippedAt' | 'endedAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('trf');

  @ManyToOne('StockLocation')
  fromLocation!: Rel<StockLocation>;

  @ManyToOne('StockLocation')
  toLocation!: Rel<StockLocation>;

  @Field(() => StockTransferStatus)
  @Enum({ items: () => StockTransferStatus })
  status: StockTransferStatus = StockTransferStatus.DRAFT;

  /** Bumped by a conditional UPDATE on the expected status first in each change's transaction (see StockCount.revision). */
  @Property({ type: 'integer' })
  revision: number = 0;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 1000, nullable: true })
  note?: string | null = null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  shippedAt?: Date | null = null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the last unit was received, or it was cancelled.' })
  @Property({ type: Date, nullable: true })
  endedAt?: Date | null = null;
}

@ObjectType({ description: 'One SKU of a transfer.' })
@Entity()
@Index({ properties: ['variantId'] })
export class StockTransferLine {
  [OptionalProps]?: 'id' | 'shipped' | 'received' | 'inTransit';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('trl');

  @ManyToOne('StockTransfer')
  transfer!: Rel<StockTransfer>;

  @Field()
  @Property({ length: 100 })
  sku!: string;

  @Property({ length: 40 })
  variantId!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  quantity!: number;

  @Field(() => Int, { description: 'Units that left the source location.' })
  @Property({ type: 'integer' })
  shipped: number = 0;

  @Field(() => Int, { description: 'Units on hand at the destination.' })
  @Property({ type: 'integer' })
  received: number = 0;

  @Field(() => Int, { description: 'shipped − received: on hand nowhere, not for sale.' })
  get inTransit(): number {
    return this.shipped - this.received;
  }
}
