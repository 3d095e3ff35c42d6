import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { TtlCache } from '../kernel/ttl-cache.js';
import { CapturePolicy, Channel, ChannelKind, DEFAULT_CHANNEL_CODE } from './channel.entity.js';
import type { CreateChannelInput, UpdateChannelInput } from './channel.inputs.js';
import { SequenceService } from './sequence.service.js';

export class ChannelService {
  private cache: TtlCache<Channel | null>;
  constructor(private readonly app: AppRuntime) {
    this.cache = new TtlCache(app.config.referenceCacheMs);
  }

  list(em: Em): Promise<Channel[]> {
    return em.find(Channel, {}, { orderBy: { createdAt: 'asc' } });
  }

  /** byCode's channel when it is cached, else undefined (and byCode reads it): placeOrder's path without a promise. */
  known(code?: string | null): Channel | undefined {
    return this.cache.peek(code ?? DEFAULT_CHANNEL_CODE) ?? undefined;
  }

  /** The channel an order comes from; the default channel when no code is given. Cached; returns a detached copy. */
  async byCode(em: Em, code?: string | null): Promise<Channel> {
    const c = code ?? DEFAULT_CHANNEL_CODE;
    const channel = await this.cache.get(c, async () => {
      const found = await em.fork().findOne(Channel, { code: c });
      return found ? Object.assign(Object.create(Channel.prototype), found) : null;
    });
    if (!channel) throw badInput(`There is no sales channel with code "${c}".`, 'channelCode');
    return channel;
  }

  async create(em: Em, input: CreateChannelInput): Promise<Channel> {
    const channel = em.create(Channel, { ...input, timeZone: input.timeZone ?? 'UTC', pricesIncludeTax: input.pricesIncludeTax ?? false, capturePolicy: input.capturePolicy ?? (this.app.config.defaultCapturePolicy as CapturePolicy) });
    try {
      await em.transactional(async (tx) => {
        tx.persist(channel);
        await tx.flush();
        await this.app.service(SequenceService).createOrderSequence(tx, channel.id);
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new OrdoError('CONFLICT', `A channel with code "${input.code}" exists already.`);
      throw e;
    }
    this.cache.clear();
    return channel;
  }

  /** Changes what the input names; other processes see it when their reference cache expires (ORDO_REFERENCE_CACHE_MS). */
  async update(em: Em, code: string, input: UpdateChannelInput): Promise<Channel> {
    const channel = await em.findOne(Channel, { code });
    if (!channel) throw notFound(`Channel "${code}"`);
    if (input.name !== undefined && input.name !== null) channel.name = input.name;
    if (input.capturePolicy !== undefined && input.capturePolicy !== null) channel.capturePolicy = input.capturePolicy;
    if (input.returnWindowDays !== undefined) channel.returnWindowDays = input.returnWindowDays;
    if (input.importStockPolicy !== undefined && input.importStockPolicy !== null) channel.importStockPolicy = input.importStockPolicy;
    if (input.pricesIncludeTax !== undefined && input.pricesIncludeTax !== null) channel.pricesIncludeTax = input.pricesIncludeTax;
    if (input.timeZone) channel.timeZone = input.timeZone;
    await em.flush();
    this.cache.clear();
    return channel;
  }

  /** The channel's sourcing strategy, by code (the sourcing folder checks the code is known before calling). */
  async setSourcingStrategy(em: Em, code: string, strategy: string): Promise<Channel> {
    const channel = await em.findOne(Channel, { code });
    if (!channel) throw notFound(`Channel "${code}"`);
    channel.sourcingStrategy = strategy;
    await em.flush();
    this.cache.clear();
    return channel;
  }

  /** At every start: the default channel exists (created once, even when processes race). */
  async ensureDefault(em: Em, currencyCode = 'EUR'): Promise<void> {
    if (await em.count(Channel, { code: DEFAULT_CHANNEL_CODE })) return;
    try {
      await this.create(em.fork(), { code: DEFAULT_CHANNEL_CODE, name: 'Default channel', kind: ChannelKind.WEB_STORE, currencyCode });
    } catch (e) {
      if (!(e instanceof OrdoError && e.code === 'CONFLICT')) throw e;
    }
  }
}
