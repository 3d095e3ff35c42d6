import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { Channel } from './channel.entity.js';
import { CreateChannelInput, UpdateChannelInput } from './channel.inputs.js';
import { ChannelService } from './channel.service.js';

@Resolver(() => Channel)
export class ChannelResolver {
  @Query(() => [Channel])
  channels(@Ctx() ctx: OrdoContext): Promise<Channel[]> {
    return ctx.app.service(ChannelService).list(ctx.em);
  }

  @Mutation(() => Channel)
  createChannel(@Arg('input', () => CreateChannelInput) input: CreateChannelInput, @Ctx() ctx: OrdoContext): Promise<Channel> {
    return ctx.app.service(ChannelService).create(can(ctx, admin('settings')).em, input);
  }

  @Mutation(() => Channel, { description: 'Admin (settings): changes a channel\'s name, capture policy or return window; fields left out stay.' })
  updateChannel(
    @Arg('code') code: string,
    @Arg('input', () => UpdateChannelInput) input: UpdateChannelInput,
    @Ctx() ctx: OrdoContext,
  ): Promise<Channel> {
    return ctx.app.service(ChannelService).update(can(ctx, admin('settings')).em, code, input);
  }
}
