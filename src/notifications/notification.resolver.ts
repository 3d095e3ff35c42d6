// Admin reads of the messages sent, and the per-channel sender settings.
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { IsEmail, Length, MaxLength } from 'class-validator';
import { admin, adminIn, authorize, channelScope, orderStaff } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { NotificationMessage } from './notification-message.entity.js';
import { NotificationService } from './notification.service.js';
import { Order } from '../order-core/order.entity.js';

@ObjectType({ description: 'Who the messages of a channel come from.' })
export class NotificationSender {
  @Field() channelCode!: string;
  @Field() emailFrom!: string;
  @Field(() => String, { nullable: true }) emailName!: string | null;
  @Field(() => String, { nullable: true }) replyTo!: string | null;
  @Field() smsFrom!: string;
}

@InputType()
export class NotificationSenderInput {
  @Field({ nullable: true }) @IsEmail({}, { message: 'emailFrom is not an email address' }) @MaxLength(320)
  emailFrom?: string;
  @Field({ nullable: true }) @Length(0, 100)
  emailName?: string;
  @Field({ nullable: true }) @IsEmail({}, { message: 'replyTo is not an email address' }) @MaxLength(320)
  replyTo?: string;
  @Field({ nullable: true, description: 'An alphanumeric sender id (up to 11 characters) or a phone number.' }) @Length(1, 20)
  smsFrom?: string;
}

const notifications = (ctx: OrdoContext) => ctx.app.service(NotificationService);

@Resolver()
export class NotificationResolver {
  @Query(() => [NotificationMessage], { description: 'Admin (orders): every message sent about an order, oldest first.' })
  async notifications(@Arg('orderId', () => ID) orderId: string, @Ctx() ctx: OrdoContext): Promise<NotificationMessage[]> {
    can(ctx, adminIn('orders'));
    // Staff kept to channels read the messages of their channels' orders only.
    const order = channelScope(ctx.principal) ? await ctx.em.findOne(Order, { id: orderId }) : null;
    if (order) authorize(ctx.principal, orderStaff(order));
    return notifications(ctx).list(ctx.em, orderId);
  }

  @Query(() => NotificationSender, { description: 'Admin (settings): the sender of a channel’s messages.' })
  async notificationSender(@Arg('channelCode', () => String) channelCode: string, @Ctx() ctx: OrdoContext): Promise<NotificationSender> {
    return { channelCode, ...(await notifications(ctx).sender(can(ctx, admin('settings')).em, channelCode)) };
  }

  @Mutation(() => NotificationSender, { description: 'Admin (settings): sets who a channel’s emails and SMS come from.' })
  async setNotificationSender(
    @Arg('channelCode', () => String) channelCode: string,
    @Arg('input', () => NotificationSenderInput) input: NotificationSenderInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<NotificationSender> {
    return { channelCode, ...(await notifications(ctx).setSender(can(ctx, admin('settings')).em, channelCode, { ...input })) };
  }
}
