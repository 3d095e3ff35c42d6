// A customer's store credit: one balance per currency, and the ledger every change goes through (the
// same shape as gift cards: a conditional UPDATE and an entry unique by its source).
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { newId } from '../kernel/ids.js';
import { TenderEntryColumns } from './gift-card.entity.js';

@ObjectType({ description: 'A customer\'s store credit in one currency.' })
@Entity()
@Unique({ properties: ['customerId', 'currencyCode'] })
export class StoreCreditAccount {
  [OptionalProps]?: 'id' | 'balance' | 'updatedAt';

  @PrimaryKey({ length: 40 })
  id: string = newId('sca');

  @Property({ length: 40 })
  customerId!: string;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;

  @Field(() => MoneyScalar, { description: 'What is left to spend: the sum of the ledger, never below zero.' })
  @Property({ type: 'integer' })
  balance: number = 0;

  @Property()
  updatedAt: Date = new Date();
}

@ObjectType({ description: 'One change of a customer\'s store credit.' })
@Entity()
@Index({ properties: ['customerId', 'id'] })
@Index({ properties: ['orderId'] })
export class StoreCreditEntry extends TenderEntryColumns {
  [OptionalProps]?: 'id' | 'createdAt' | 'orderId' | 'note';

  @Field(() => ID)
  @PrimaryKey({ length: 40 })
  id: string = newId('sce');

  @Property({ length: 40 })
  accountId!: string;

  @Property({ length: 40 })
  customerId!: string;

  @Field()
  @Property({ length: 3 })
  currencyCode!: string;
}
