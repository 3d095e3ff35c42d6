// The loyalty plugin's tables: one points account per customer, and the ledger every change of it
// goes through (each entry unique by its source, which makes event handlers safe to run again).
import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Customer, DateTimeScalar, newId } from '../../src/index.js';

export enum LoyaltyEntryKind {
  /** Points for a delivered order. */
  EARNED = 'EARNED',
  /** Points spent as a discount at placement. */
  REDEEMED = 'REDEEMED',
  /** Earned points taken back because the order was refunded. */
  REVERSED = 'REVERSED',
  /** Spent points given back because the order was cancelled. */
  RESTORED = 'RESTORED',
  /** Points given or taken by staff. */
  ADJUSTED = 'ADJUSTED',
}
registerEnumType(LoyaltyEntryKind, { name: 'LoyaltyEntryKind', description: 'Why a loyalty balance changed (loyalty plugin).' });

@Entity({ tableName: 'loyalty_account' })
export class LoyaltyAccount {
  [OptionalProps]?: 'balance' | 'lifetimeEarned' | 'updatedAt';

  /**
   * The customer's id, kept as a plain string (mapToPk); declared as a reference because the table has
   * had a foreign key to customer from its first migration, and a schema diff must see it. No index of
   * its own (it is the key) and no ON DELETE, as that migration made it.
   */
  @ManyToOne(() => Customer, { primary: true, mapToPk: true, fieldName: 'customer_id', index: false, deleteRule: 'no action' })
  customerId!: string;

  /** May go below zero when points already spent are taken back by a refund. */
  @Property({ type: 'integer' })
  balance: number = 0;

  @Property({ type: 'integer' })
  lifetimeEarned: number = 0;

  @Property()
  updatedAt: Date = new Date();
}

@ObjectType({ description: 'One change of a customer\'s loyalty points (loyalty plugin).' })
@Entity({ tableName: 'loyalty_ledger_entry' })
@Index({ properties: ['customerId', 'id'] })
@Index({ properties: ['orderId'] })
export class LoyaltyLedgerEntry {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('lpe');

  /** A plain string too; the foreign key to loyalty_account is the first migration's (indexed by the class's (customerId, id) index). */
  @ManyToOne(() => LoyaltyAccount, { mapToPk: true, fieldName: 'customer_id', index: false })
  customerId!: string;

  @Field(() => ID, { nullable: true, description: 'The order the change comes from, if any.' })
  @Property({ type: 'string', length: 40, nullable: true })
  orderId?: string | null;

  @Field(() => LoyaltyEntryKind)
  @Enum({ items: () => LoyaltyEntryKind })
  kind!: LoyaltyEntryKind;

  @Field(() => Int, { description: 'Points added (positive) or taken (negative).' })
  @Property({ type: 'integer' })
  points!: number;

  @Field(() => Int, { description: 'The balance right after this change.' })
  @Property({ type: 'integer' })
  balanceAfter!: number;

  /** What caused it (earn:<order>, refund:<operation>, ...): unique, so a repeated event posts nothing. */
  @Property({ length: 120, unique: true })
  sourceKey!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Field(() => DateTimeScalar)
  @Property()
  createdAt: Date = new Date();
}
