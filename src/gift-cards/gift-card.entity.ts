// Gift cards and their ledger. A card's code is shown once, when it is issued: the table keeps only the
// code's SHA-256 (to find the card when a buyer types it) and its last four characters (to tell cards
// apart on a receipt). The balance changes only by one conditional UPDATE with a ledger entry beside it
// (tender-ledger.ts), so the balance is always the sum of the card's entries and never below zero.
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';

export enum TenderEntryKind {
  /** A gift card issued with its first balance. */
  ISSUED = 'ISSUED',
  /** Spent on an order at placement. */
  SPENT = 'SPENT',
  /** Given back: the order was cancelled, units were cancelled or returned. */
  GIVEN_BACK = 'GIVEN_BACK',
  /** Added or taken by staff, with a reason. */
  ADJUSTED = 'ADJUSTED',
  /** Store credit: a return refunded to the customer's store credit instead of the payment. */
  RETURN_CREDIT = 'RETURN_CREDIT',
}
registerEnumType(TenderEntryKind, { name: 'TenderEntryKind', description: 'Why a gift card or store-credit balance changed.' });

@ObjectType({ description: 'A gift card (staff view). Its code is never stored: only its hash and last four characters.' })
@Entity()
export class GiftCard {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'disabled' | 'expiresAt' | 'note' | 'recipientEmail';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('gcd');

  /** SHA-256 (hex) of the normalised code: how a typed code finds its card. */
  @Property({ length: 64, unique: true, hidden: true })
  codeHash!: string;

  @Field({ description: 'The last four characters of the code.' })
  @Property({ length: 4 })
  last4!: string;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => MoneyScalar, { description: 'What the card was issued with.' })
  @Property({ type: 'integer' })
  initialAmount!: number;

  @Field(() => MoneyScalar, { description: 'What is left to spend: always the sum of the card\'s ledger, never below zero.' })
  @Property({ type: 'integer' })
  balance!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  @Property({ type: Date, nullable: true })
  expiresAt?: Date | null;

  @Field({ description: 'A disabled card cannot be spent (a lost or stolen code); its balance stays.' })
  @Property({ type: 'boolean' })
  disabled: boolean = false;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 320, nullable: true })
  recipientEmail?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/**
 * What every tender ledger entry holds, gift card or store credit (tender-ledger.ts writes both the same
 * way): the change, the balance after it, and the source key that makes a repeat post nothing.
 */
@ObjectType({ description: 'The columns of both tender ledgers (not in the schema itself: no field returns it).' })
@Entity({ abstract: true })
export abstract class TenderEntryColumns {
  @Field(() => TenderEntryKind)
  @Enum({ items: () => TenderEntryKind })
  kind!: TenderEntryKind;

  @Field(() => MoneyScalar, { description: 'Added (positive) or taken (negative).' })
  @Property({ type: 'integer' })
  amount!: number;

  @Field(() => MoneyScalar, { description: 'The balance right after this change.' })
  @Property({ type: 'integer' })
  balanceAfter!: number;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'string', length: 40, nullable: true })
  orderId?: string | null;

  /** What caused it (spend:<order>, cancel:<order>, return:<return>, adjust:<key>): unique, so a repeat posts nothing. */
  @Property({ length: 200, unique: true })
  sourceKey!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}

@ObjectType({ description: 'One change of a gift card\'s balance.' })
@Entity()
@Index({ properties: ['giftCardId', 'id'] })
@Index({ properties: ['orderId'] })
export class GiftCardEntry extends TenderEntryColumns {
  [OptionalProps]?: 'id' | 'createdAt' | 'orderId' | 'note';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('gce');

  @Field(() => ID)
  @Property({ length: 40 })
  giftCardId!: string;

}
