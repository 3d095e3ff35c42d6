// Gift cards and store credit in GraphQL. Staff (orders role, every channel: a card is spent in any
// channel of its currency) issue, list, disable and adjust cards and adjust store credit; anyone with a
// code may read that card's balance; a customer reads their own store credit.
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { IsEmail, IsInt, Matches, Max, MaxLength, Min } from 'class-validator';
import { admin, authorize } from '../kernel/auth.js';
import type { OrdoContext } from '../kernel/context.js';
import { badInput, notFound } from '../kernel/errors.js';
import { connectionOf, DateTimeScalar, MoneyScalar } from '../kernel/graphql-types.js';
import { MAX_AMOUNT } from '../kernel/money.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { Customer } from '../customers/customer.entity.js';
import { GiftCard, GiftCardEntry } from './gift-card.entity.js';
import { StoreCreditAccount, StoreCreditEntry } from './store-credit.entity.js';
import { GiftCardService } from './gift-card.service.js';
import { StoreCreditService } from './store-credit.service.js';

export const GiftCardConnection = connectionOf(GiftCard, 'GiftCard');
export const GiftCardLedgerConnection = connectionOf(GiftCardEntry, 'GiftCardLedger');
export const StoreCreditLedgerConnection = connectionOf(StoreCreditEntry, 'StoreCreditLedger');

@InputType()
export class IssueGiftCardInput {
  @Field() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode is an ISO 4217 code such as EUR' }) currencyCode!: string;
  @Field(() => MoneyScalar, { description: 'The first balance, in minor units.' }) @IsInt() @Min(1) @Max(MAX_AMOUNT) amount!: number;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
  @Field(() => String, { nullable: true }) @MaxLength(500) note?: string | null;
  @Field(() => String, { nullable: true }) @IsEmail() @MaxLength(320) recipientEmail?: string | null;
}

@ObjectType({ description: 'A gift card just issued: its code is in this answer and nowhere else (null when a repeated idempotencyKey answers an earlier issue).' })
export class IssuedGiftCard {
  @Field(() => String, { nullable: true }) code!: string | null;
  @Field(() => GiftCard) giftCard!: GiftCard;
}

@ObjectType({ description: 'What a gift card\'s holder may see: its balance, currency, expiry and last four characters.' })
export class GiftCardBalance {
  @Field(() => MoneyScalar) balance!: number;
  @Field() currencyCode!: string;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt!: Date | null;
  @Field() last4!: string;
  @Field({ description: 'False when disabled or expired.' }) spendable!: boolean;
}

const cards = (ctx: OrdoContext) => ctx.app.service(GiftCardService);
const credit = (ctx: OrdoContext) => ctx.app.service(StoreCreditService);

@Resolver()
export class GiftCardResolver {
  @Query(() => GiftCardBalance, { description: 'A gift card\'s balance by its code (anyone with the code); NOT_FOUND for a code no card has.' })
  async giftCard(@Arg('code') code: string, @Ctx() ctx: OrdoContext): Promise<GiftCardBalance> {
    if (code.length > 100) throw badInput('code is at most 100 characters.', 'code');
    const c = await cards(ctx).byCode(ctx.em, code);
    return { balance: c.balance, currencyCode: c.currencyCode, expiresAt: c.expiresAt ?? null, last4: c.last4, spendable: !c.disabled && !(c.expiresAt && c.expiresAt.getTime() <= Date.now()) };
  }

  @Query(() => GiftCardConnection, { description: 'Admin (orders): gift cards, newest first.' })
  giftCards(
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<GiftCard>> {
    authorize(ctx.principal, admin('orders'));
    return pageOf(ctx.em, GiftCard, {}, first, after);
  }

  @Query(() => GiftCardLedgerConnection, { description: 'Admin (orders): the changes of one gift card\'s balance, newest first.' })
  giftCardLedger(
    @Arg('giftCardId', () => ID) giftCardId: string,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<GiftCardEntry>> {
    authorize(ctx.principal, admin('orders'));
    return pageOf(ctx.em, GiftCardEntry, { giftCardId }, first, after);
  }

  @Mutation(() => IssuedGiftCard, { description: 'Admin (orders): issues a gift card; the answer holds its code, shown this once (only its hash is kept).' })
  async issueGiftCard(
    @Arg('input', () => IssueGiftCardInput) input: IssueGiftCardInput,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<IssuedGiftCard> {
    authorize(ctx.principal, admin('orders'));
    const { card, code } = await cards(ctx).issue(ctx.em, ctx.principal, input, idempotencyKey);
    return { code, giftCard: card };
  }

  @Mutation(() => GiftCard, { description: 'Admin (orders): the card can no longer be spent (a lost or stolen code); its balance and ledger stay.' })
  disableGiftCard(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<GiftCard> {
    authorize(ctx.principal, admin('orders'));
    return cards(ctx).disable(ctx.em, ctx.principal, id);
  }

  @Mutation(() => GiftCard, { description: 'Admin (orders): adds (positive) or takes (negative) an amount with a reason; the balance cannot go below zero.' })
  adjustGiftCard(
    @Arg('id', () => ID) id: string,
    @Arg('amount', () => MoneyScalar) amount: number,
    @Arg('reason') reason: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<GiftCard> {
    authorize(ctx.principal, admin('orders'));
    return cards(ctx).adjust(ctx.em, ctx.principal, id, amount, reason, idempotencyKey);
  }

  @Mutation(() => StoreCreditAccount, { description: 'Admin (orders): adds (positive) or takes (negative) store credit of a customer in one currency, with a reason; never below zero.' })
  adjustStoreCredit(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('currencyCode') currencyCode: string,
    @Arg('amount', () => MoneyScalar) amount: number,
    @Arg('reason') reason: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<StoreCreditAccount> {
    authorize(ctx.principal, admin('orders'));
    return credit(ctx).adjust(ctx.em, ctx.principal, customerId, currencyCode, amount, reason, idempotencyKey);
  }

  @Query(() => StoreCreditLedgerConnection, { description: 'Changes of store credit, newest first: the signed-in customer\'s own, or (admin, orders role) any customer\'s.' })
  storeCreditLedger(
    @Arg('customerId', () => ID, { nullable: true }) customerId: string | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<StoreCreditEntry>> {
    const p = ctx.principal;
    let whose: string;
    if (p.kind === 'customer') {
      // Another customer's id is answered as if there were none: a customer learns nothing of other accounts.
      if (customerId && customerId !== p.customerId) throw notFound(`Customer ${customerId}`);
      whose = p.customerId;
    } else {
      authorize(p, admin('orders'));
      if (!customerId) throw badInput('customerId is needed for staff.', 'customerId');
      whose = customerId;
    }
    return pageOf(ctx.em, StoreCreditEntry, { customerId: whose }, first, after);
  }
}

@Resolver(() => Customer)
export class CustomerStoreCreditFields {
  @FieldResolver(() => [StoreCreditAccount], { description: 'Store credit to spend, one balance per currency.' })
  storeCredit(@Root() customer: Customer, @Ctx() ctx: OrdoContext): Promise<StoreCreditAccount[]> {
    return credit(ctx).balances(ctx.em, customer.id);
  }
}

