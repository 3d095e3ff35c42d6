// The loyalty plugin's GraphQL: Customer.loyaltyPoints, Order.loyalty, the loyaltyLedger query and
// the staff adjustment. Fields on core types load through the engine's per-request DataLoaders, so a
// page of 100 orders costs one ledger statement, not 100.
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { IsInt, Length, Matches, Max, Min } from 'class-validator';
import {
  admin, authorize, badInput, connectionOf, domainEventStream, signedInCustomer, type DomainEvent, Customer, isAdmin, manyBy, notFound, oneBy, Order, OrdoError,
  pageOf, type OrdoContext, type Page,
} from '../../src/index.js';
import { LoyaltyAccount, LoyaltyEntryKind, LoyaltyLedgerEntry } from './entities.js';
import { balanceOf, lockAccount, postAndRecord, POINTS_CHANGED } from './ledger.js';

export const LoyaltyLedgerConnection = connectionOf(LoyaltyLedgerEntry, 'LoyaltyLedger');

@ObjectType({ description: 'What an order did to its customer\'s loyalty points (loyalty plugin).' })
export class OrderLoyalty {
  @Field(() => Int, { description: 'Points earned on delivery, net of what refunds took back.' }) earned!: number;
  @Field(() => Int, { description: 'Points spent on this order as a discount (given back if it was cancelled).' }) redeemed!: number;
}

@ObjectType({ description: 'A change of the signed-in customer\'s loyalty points, as it happens (loyalty plugin).' })
export class LoyaltyPointsChange {
  @Field(() => LoyaltyEntryKind) kind!: LoyaltyEntryKind;
  @Field(() => Int, { description: 'Points added (positive) or taken (negative).' }) points!: number;
  @Field(() => Int, { description: 'The balance right after the change.' }) balance!: number;
  @Field(() => ID, { nullable: true }) orderId?: string | null;
}

@InputType()
export class AdjustLoyaltyPointsInput {
  @Field(() => ID) @Length(1, 40) customerId!: string;
  @Field(() => Int, { description: 'Points to add (positive) or take (negative); the balance cannot go below zero.' })
  @IsInt() @Min(-1_000_000_000) @Max(1_000_000_000)
  points!: number;
  @Field() @Length(1, 500) reason!: string;
  @Field({ description: 'The same key again changes nothing (a retried request).' })
  @Matches(/^[\w\-.:]{1,80}$/, { message: 'idempotencyKey is 1 to 80 letters, digits, - _ . or :' })
  idempotencyKey!: string;
}

@Resolver(() => Customer)
export class CustomerLoyaltyFields {
  @FieldResolver(() => Int, { description: 'Loyalty points to spend (loyalty plugin).' })
  async loyaltyPoints(@Root() customer: Customer, @Ctx() ctx: OrdoContext): Promise<number> {
    return (await oneBy(ctx, LoyaltyAccount, 'customerId').load(customer.id))?.balance ?? 0;
  }
}

@Resolver(() => Order)
export class OrderLoyaltyFields {
  @FieldResolver(() => OrderLoyalty, { description: 'Loyalty points earned and spent on this order (loyalty plugin).' })
  async loyalty(@Root() order: Order, @Ctx() ctx: OrdoContext): Promise<OrderLoyalty> {
    const entries = await manyBy(ctx, LoyaltyLedgerEntry, 'orderId', (e) => e.orderId!, { id: 'asc' }).load(order.id);
    const sum = (kinds: LoyaltyEntryKind[]) => entries.filter((e) => kinds.includes(e.kind)).reduce((s, e) => s + e.points, 0);
    return { earned: sum([LoyaltyEntryKind.EARNED, LoyaltyEntryKind.REVERSED]), redeemed: -sum([LoyaltyEntryKind.REDEEMED, LoyaltyEntryKind.RESTORED]) };
  }
}

class Repeated extends Error {}

@Resolver()
export class LoyaltyResolver {
  @Query(() => LoyaltyLedgerConnection, {
    description: 'Changes of loyalty points, newest first: the signed-in customer\'s own, or (admin, orders role) any customer\'s (loyalty plugin).',
  })
  async loyaltyLedger(
    @Arg('customerId', () => ID, { nullable: true }) customerId: string | undefined,
    @Arg('first', () => Int, { nullable: true }) first: number | undefined,
    @Arg('after', () => String, { nullable: true }) after: string | undefined,
    @Ctx() ctx: OrdoContext,
  ): Promise<Page<LoyaltyLedgerEntry>> {
    const p = ctx.principal;
    let whose: string;
    if (p.kind === 'customer') {
      if (customerId && customerId !== p.customerId) throw new OrdoError('FORBIDDEN', 'Customers read their own loyalty ledger only.');
      whose = p.customerId;
    } else {
      authorize(p, admin('orders'));
      if (!customerId) throw badInput('customerId is needed for staff.', 'customerId');
      whose = customerId;
    }
    return pageOf(ctx.em, LoyaltyLedgerEntry, { customerId: whose }, first, after);
  }

  @Subscription(() => LoyaltyPointsChange, {
    description: "The signed-in customer's loyalty point changes, from the moment of subscribing (loyalty plugin).",
    subscribe: ({ context }: SubscribeResolverData<unknown, unknown, OrdoContext>) => {
      authorize(context.principal, signedInCustomer);
      const customerId = (context.principal as { customerId: string }).customerId;
      return domainEventStream(context.app, (e) => e.type === POINTS_CHANGED && e.payload.customerId === customerId);
    },
  })
  loyaltyPointsChanged(@Root() event: DomainEvent): LoyaltyPointsChange {
    return event.payload as unknown as LoyaltyPointsChange;
  }

  @Mutation(() => Int, { description: 'Admin (orders): adds or takes loyalty points with a reason; answers the new balance (loyalty plugin).' })
  async adjustLoyaltyPoints(@Arg('input', () => AdjustLoyaltyPointsInput) input: AdjustLoyaltyPointsInput, @Ctx() ctx: OrdoContext): Promise<number> {
    authorize(ctx.principal, admin('orders'));
    if (input.points === 0) throw badInput('points must not be 0.', 'points');
    if (!(await ctx.em.findOne(Customer, input.customerId))) throw notFound(`Customer ${input.customerId}`);
    const actor = isAdmin(ctx.principal) ? ctx.principal.name : 'staff';
    try {
      return await ctx.em.fork().transactional(async (tx) => {
        await lockAccount(tx, input.customerId);
        // Under the account's lock: a retry finds the first request's entry.
        const sourceKey = `adjust:${input.customerId}:${input.idempotencyKey}`;
        if (await tx.findOne(LoyaltyLedgerEntry, { sourceKey })) throw new Repeated();
        const balance = await postAndRecord(tx, {
          customerId: input.customerId, kind: LoyaltyEntryKind.ADJUSTED, points: input.points, sourceKey, note: `${input.reason} (${actor})`,
        }, { mustCover: input.points < 0 });
        if (balance === 'insufficient') throw badInput('The balance cannot go below zero.', 'points');
        if (balance === null) throw new Repeated();
        return balance;
      });
    } catch (e) {
      // A retry of a request that was applied: roll this one back, answer the balance as it stands.
      if (e instanceof Repeated) return balanceOf(ctx.em.fork(), input.customerId);
      throw e;
    }
  }
}
