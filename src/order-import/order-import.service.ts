// importOrders: a channel's orders in batches of up to 500, each order in a transaction of its own so that
// one order the stock cannot cover (or with an unknown SKU) does not stop the others. Idempotent twice
// over: per order by (channel, externalId) — a repeat answers the existing order, the same id with other
// content is CONFLICT — and per call by its idempotencyKey (import-batch.entity.ts), so a retried call
// answers what the first answered, errors included.
import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { actorName, adminIn, authorize, orderStaff, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, isOrdoError, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, stableJson } from '../kernel/idempotency.js';
import { Channel } from '../channels/channel.entity.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { ShippingMethod } from '../shipping/shipping-method.entity.js';
import { Order } from '../order-core/order.entity.js';
import { ImportBatch, type ImportOutcome } from './import-batch.entity.js';
import { MAX_IMPORT_BATCH, type ImportOrderInput } from './import.inputs.js';
import type { ImportOrderResult, ImportOrdersPayload } from './import.types.js';
import { checkImport, checkShape, type ImportCatalog } from './import-checks.js';
import { writeImportedOrder } from './imported-order.js';

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

export class OrderImportService {
  constructor(private readonly app: AppRuntime) {}

  async importOrders(em: Em, principal: Principal, channelCode: string, inputs: ImportOrderInput[], idempotencyKey: string): Promise<ImportOrdersPayload> {
    authorize(principal, adminIn('orders'));
    checkIdempotencyKey(idempotencyKey);
    if (!inputs.length) throw badInput('A batch needs at least one order.', 'orders');
    if (inputs.length > MAX_IMPORT_BATCH) throw badInput(`A batch holds at most ${MAX_IMPORT_BATCH} orders; this one has ${inputs.length}: send the rest in another.`, 'orders');
    const channel = await em.findOne(Channel, { code: channelCode });
    if (!channel) throw notFound(`Channel "${channelCode}"`);
    authorize(principal, orderStaff({ channel }));
    const first = new Map<string, number>();
    inputs.forEach((o, i) => {
      const j = first.get(o.externalId);
      if (j !== undefined) throw badInput(`externalId "${o.externalId}" is in the batch twice (orders[${j}] and orders[${i}]): nothing was imported.`, `orders[${i}].externalId`);
      first.set(o.externalId, i);
    });

    const batch = await this.claim(em, channel, idempotencyKey, inputs);
    if (batch.outcomes) return this.answer(em, batch.outcomes);
    const catalog = await this.catalog(em, channel, inputs);
    const actor = actorName(principal);
    const outcomes: ImportOutcome[] = [];
    for (const [i, input] of inputs.entries()) outcomes.push(await this.importOne(em, channel, input, i, catalog, actor));
    await em.fork().nativeUpdate(ImportBatch, { id: batch.id }, { outcomes, finishedAt: new Date() });
    return this.answer(em, outcomes);
  }

  /** The batch's row: claimed now, or the first call's with the same key (CONFLICT when its orders differ). */
  private async claim(em: Em, channel: Channel, key: string, inputs: ImportOrderInput[]): Promise<ImportBatch> {
    const keyHash = sha(key);
    const requestHash = sha(stableJson(inputs));
    const fork = em.fork();
    try {
      const batch = fork.create(ImportBatch, { channel, keyHash, requestHash, orderCount: inputs.length });
      await fork.persistAndFlush(batch);
      return batch;
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
    }
    const earlier = await em.fork().findOneOrFail(ImportBatch, { channel: channel.id, keyHash });
    if (earlier.requestHash !== requestHash) throw new OrdoError('CONFLICT', 'This idempotencyKey was used for a different batch: use a new key for a new batch.');
    return earlier;
  }

  /** What every order of the batch needs looked up, in a statement each for the whole batch. */
  private async catalog(em: Em, channel: Channel, inputs: ImportOrderInput[]): Promise<ImportCatalog & { imported: Map<string, Pick<Order, 'id' | 'requestHash'>> }> {
    const skus = [...new Set(inputs.flatMap((o) => (o.lines ?? []).map((l) => l.sku)))];
    const codes = [...new Set(inputs.map((o) => o.shippingMethodCode).filter((c): c is string => !!c))];
    const fork = em.fork();
    const variants = await fork.find(ProductVariant, { sku: { $in: skus } });
    const methods = codes.length ? await fork.find(ShippingMethod, { code: { $in: codes } }) : [];
    // Orders made of these externalIds before (a repeat, or a page pulled again).
    const imported = await fork.find(Order, { channel: channel.id, externalId: { $in: inputs.map((o) => o.externalId) } }, { fields: ['id', 'externalId', 'requestHash'] });
    return {
      variants: new Map(variants.map((v) => [v.sku, v])), methods: new Map(methods.map((m) => [m.code, m])),
      imported: new Map(imported.map((o) => [o.externalId!, o])),
    };
  }

  private async importOne(em: Em, channel: Channel, input: ImportOrderInput, index: number, catalog: ImportCatalog & { imported: Map<string, Pick<Order, 'id' | 'requestHash'>> }, actor: string): Promise<ImportOutcome> {
    const requestHash = sha(stableJson(input));
    const fail = (e: OrdoError): ImportOutcome => ({
      externalId: input.externalId, orderId: null, created: false,
      error: { code: e.code, message: e.message, field: typeof e.extensions.field === 'string' ? e.extensions.field : null },
    });
    try {
      const existing = this.repeat(channel, input, index, requestHash, catalog.imported.get(input.externalId));
      if (existing) return existing;
      await checkShape(input, index);
      const checked = checkImport(input, index, channel, catalog);
      const orderId = await em.fork().transactional((tx) => writeImportedOrder(this.app, tx, channel, input, checked, requestHash, actor));
      return { externalId: input.externalId, orderId, created: true, error: null };
    } catch (e) {
      try {
        // Another import of the same externalId committed first: answer as a repeat.
        if (e instanceof UniqueConstraintViolationException) {
          const found = await em.fork().findOne(Order, { channel: channel.id, externalId: input.externalId }, { fields: ['id', 'requestHash'] });
          const existing = this.repeat(channel, input, index, requestHash, found);
          if (existing) return existing;
        }
      } catch (again) {
        if (isOrdoError(again)) return fail(again);
        throw again;
      }
      if (isOrdoError(e)) return fail(e);
      throw e;
    }
  }

  /** The answer when an earlier import made this externalId into `found` (CONFLICT when it was made of other content). */
  private repeat(channel: Channel, input: ImportOrderInput, index: number, requestHash: string, found: Pick<Order, 'id' | 'requestHash'> | null | undefined): ImportOutcome | null {
    if (!found) return null;
    if (found.requestHash !== requestHash) {
      throw new OrdoError('CONFLICT', `Order ${input.externalId} of channel ${channel.code} was imported before with other content; an imported order is changed through the order API, not by importing it again.`, { field: `orders[${index}]` });
    }
    return { externalId: input.externalId, orderId: found.id, created: false, error: null };
  }

  /** The results as GraphQL returns them, the orders read now (one query). */
  private async answer(em: Em, outcomes: ImportOutcome[]): Promise<ImportOrdersPayload> {
    const ids = outcomes.map((o) => o.orderId).filter((id): id is string => !!id);
    const orders = new Map((ids.length ? await em.find(Order, { id: { $in: ids } }) : []).map((o) => [o.id, o]));
    const results: ImportOrderResult[] = outcomes.map((o) => ({
      externalId: o.externalId, created: o.created, order: o.orderId ? orders.get(o.orderId) ?? null : null, error: o.error,
    }));
    return {
      results,
      created: outcomes.filter((o) => o.created).length,
      existing: outcomes.filter((o) => !o.created && !o.error).length,
      failed: outcomes.filter((o) => o.error).length,
    };
  }
}
