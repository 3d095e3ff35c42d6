// A checkout hold: a cart's units reserved for a few minutes while the buyer completes a payment step
// (3-D Secure, a wallet sheet), then turned into the order's reservation by placeOrder. The units are
// reserved in stock_level like an order's (they are not available to anyone else) and this row says
// where, so that whoever ends the hold (the order, the buyer, the sweeper) gives back exactly those.
import { Entity, Enum, Index, JsonType, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { randomToken } from '../kernel/ids.js';
import type { Allocation } from '../inventory/stock-ledger.js';
import type { Channel } from '../channels/channel.entity.js';

export enum CheckoutHoldStatus {
  ACTIVE = 'ACTIVE',
  CONSUMED = 'CONSUMED',
  RELEASED = 'RELEASED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(CheckoutHoldStatus, {
  name: 'CheckoutHoldStatus',
  valuesConfig: {
    ACTIVE: { description: 'Its units are reserved until expiresAt; placeOrder with its id turns them into the order\'s.' },
    CONSUMED: { description: 'An order took its units (orderId).' },
    RELEASED: { description: 'The buyer gave it up (releaseCheckoutHold): its units are on sale again.' },
    EXPIRED: { description: 'Its time ran out before an order took it: its units are on sale again.' },
  },
});

/** One SKU of a hold and where its units are reserved (JSON on the hold row: always read and ended together). */
@ObjectType()
export class CheckoutHoldLine {
  @Field() sku!: string;
  @Field(() => Int) quantity!: number;
  variantId!: string;
  /** Empty for a variant whose stock is not tracked. */
  allocations!: Allocation[];
}

/** The hold's id is a bearer reference: random (144 bits) rather than time-ordered, since whoever has it may read, use or release the hold. */
export const HOLD_ID_PREFIX = 'chk';
export const newHoldId = () => randomToken(HOLD_ID_PREFIX, 18);

@ObjectType({ description: 'Units of a cart reserved for a few minutes (holdCheckoutStock), for placeOrder(input: { holdId }).' })
@Entity()
// The sweeper's scan: ACTIVE holds whose time ran out, oldest first.
@Index({ properties: ['status', 'expiresAt'] })
export class CheckoutHold {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'orderId' | 'endedAt' | 'destination';

  @Field(() => ID, { description: 'Keep it secret: whoever has it may read, use or release the hold.' })
  @PrimaryKey({ length: 40 })
  id: string = newHoldId();

  @ManyToOne('Channel')
  channel!: Rel<Channel>;

  @Field(() => CheckoutHoldStatus, { description: 'ACTIVE until an order takes it, the buyer releases it, or the sweeper finds it past expiresAt (within ORDO_CHECKOUT_HOLD_SWEEP_MS).' })
  @Enum({ items: () => CheckoutHoldStatus })
  status: CheckoutHoldStatus = CheckoutHoldStatus.ACTIVE;

  @Field(() => [CheckoutHoldLine])
  @Property({ type: JsonType })
  lines!: CheckoutHoldLine[];

  /** Where the cart ships to (country, region): kept for the sourcing strategy, not used to reserve yet. */
  @Property({ type: JsonType, nullable: true })
  destination?: { countryCode: string; region: string | null } | null;

  @Field(() => DateTimeScalar)
  @Property()
  expiresAt!: Date;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was consumed, released or expired.' })
  @Property({ type: Date, nullable: true })
  endedAt?: Date | null;

  /** The order that consumed it (no foreign key: orders/ comes after this folder). */
  @Field(() => ID, { nullable: true, description: 'The order that took its units.' })
  @Property({ type: 'string', length: 40, nullable: true })
  orderId?: string | null;
}
