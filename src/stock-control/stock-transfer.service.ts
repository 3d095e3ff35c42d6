// Transfers between locations (docs/stock-control.md). Shipping takes the units out of the source
// (TRANSFER_OUT, never below what orders hold there, all lines or none); receiving puts them on hand at
// the destination (TRANSFER_IN) and records `stock.changed` with a positive delta, the event after which
// fulfillment serves waiting backorders (as adjustStock RECEIVED does), so nothing here imports fulfillment.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import type { Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { checkIdempotencyKey, keyOwner, once } from '../kernel/idempotency.js';
import { recordEvent } from '../kernel/outbox/record-event.js';
import { ProductVariant } from '../catalog/variant.entity.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import { ensureLevel, transferIn, transferOut } from '../inventory/stock-ledger.js';
import { StockTransfer, StockTransferLine, StockTransferStatus } from './stock-transfer.entity.js';
import type { CreateStockTransferInput, StockTransferLineInput } from './stock-control.inputs.js';

export class StockTransferService {
  constructor(private readonly app: AppRuntime) {}

  async create(em: Em, input: CreateStockTransferInput): Promise<StockTransfer> {
    if (input.fromLocationCode === input.toLocationCode) throw badInput('A transfer goes to another location than the one it leaves.', 'input.toLocationCode');
    const [from, to] = await Promise.all([em.findOne(StockLocation, { code: input.fromLocationCode }), em.findOne(StockLocation, { code: input.toLocationCode })]);
    if (!from) throw badInput(`There is no stock location with code "${input.fromLocationCode}".`, 'input.fromLocationCode');
    if (!to) throw badInput(`There is no stock location with code "${input.toLocationCode}".`, 'input.toLocationCode');
    const skus = input.lines.map((l) => l.sku);
    if (new Set(skus).size !== skus.length) throw badInput('Each SKU appears once in a transfer.', 'input.lines');
    const variants = await em.find(ProductVariant, { sku: { $in: skus } });
    const unknown = skus.filter((s) => !variants.some((v) => v.sku === s));
    if (unknown.length) throw badInput(`There is no variant with SKU ${unknown.map((s) => `"${s}"`).join(', ')}.`, 'input.lines');
    return em.transactional(async (tx) => {
      const transfer = tx.create(StockTransfer, { fromLocation: from.id, toLocation: to.id, note: input.note ?? null });
      for (const l of input.lines) tx.create(StockTransferLine, { transfer, sku: l.sku, variantId: variants.find((v) => v.sku === l.sku)!.id, quantity: l.quantity });
      await tx.flush();
      return transfer;
    });
  }

  get(em: Em, id: string): Promise<StockTransfer | null> {
    return em.findOne(StockTransfer, { id });
  }

  list(em: Em, status?: StockTransferStatus | null, locationCode?: string | null): Promise<StockTransfer[]> {
    const where: Record<string, unknown> = {};
    if (status) where.status = status;
    if (locationCode) where.$or = [{ fromLocation: { code: locationCode } }, { toLocation: { code: locationCode } }];
    return em.find(StockTransfer, where, { orderBy: { id: 'desc' }, limit: 200 });
  }

  /** DRAFT → IN_TRANSIT: every line out of the source, or nothing (INSUFFICIENT_STOCK names the SKU). */
  async ship(em: Em, id: string, idempotencyKey: string | null | undefined, principal?: Principal): Promise<StockTransfer> {
    checkIdempotencyKey(idempotencyKey);
    const scope = `shipStockTransfer:${principal ? keyOwner(principal) : 'staff'}`;
    await em.transactional((tx) => once(tx, scope, idempotencyKey, { id }, async () => {
      const transfer = await claim(tx, id, StockTransferStatus.DRAFT, 'shipped');
      // In variant order, as placeOrder reserves: two transactions lock stock rows alike (no deadlock between them).
      const lines = await tx.find(StockTransferLine, { transfer: id }, { orderBy: { variantId: 'asc' } });
      for (const line of lines) {
        const why = { note: `Transfer ${id} to ${transfer.toLocation.code}` };
        if (!(await transferOut(tx, { variantId: line.variantId, sku: line.sku, locationId: transfer.fromLocation.id }, line.quantity, why))) {
          throw new OrdoError('INSUFFICIENT_STOCK', `${transfer.fromLocation.code} does not have ${line.quantity} of ${line.sku} that orders do not hold: nothing was shipped.`, { sku: line.sku });
        }
        // An empty level at the destination, so its stockLevels show the units coming (inTransitIn).
        await ensureLevel(tx, { variantId: line.variantId, sku: line.sku, locationId: transfer.toLocation.id });
        line.shipped = line.quantity;
        recordEvent(tx, 'stock.changed', { sku: line.sku, variantId: line.variantId, locationId: transfer.fromLocation.id, delta: -line.quantity, reason: 'TRANSFER_OUT', transferId: id }, line.variantId);
      }
      transfer.status = StockTransferStatus.IN_TRANSIT;
      transfer.shippedAt = new Date();
      await tx.flush();
      return { id };
    }, async (first) => ({ id: first })));
    return em.fork().findOneOrFail(StockTransfer, { id });
  }

  /**
   * Units arrive at the destination: the given lines (at most what is still in transit on each) or, with
   * no lines, everything still in transit. RECEIVED once nothing is in transit; until then IN_TRANSIT.
   */
  async receive(em: Em, id: string, lines: StockTransferLineInput[] | null | undefined, idempotencyKey: string | null | undefined, principal?: Principal): Promise<StockTransfer> {
    checkIdempotencyKey(idempotencyKey);
    if (lines && !lines.length) throw badInput('Name at least one line, or none to receive everything in transit.', 'lines');
    const scope = `receiveStockTransfer:${principal ? keyOwner(principal) : 'staff'}`;
    await em.transactional((tx) => once(tx, scope, idempotencyKey, { id, lines: lines?.map((l) => ({ sku: l.sku, quantity: l.quantity })) }, async () => {
      const transfer = await claim(tx, id, StockTransferStatus.IN_TRANSIT, 'received');
      const all = await tx.find(StockTransferLine, { transfer: id }, { orderBy: { sku: 'asc' } });
      const wanted = lines ?? all.filter((l) => l.inTransit > 0).map((l) => ({ sku: l.sku, quantity: l.inTransit }));
      for (const w of wanted) {
        const line = all.find((l) => l.sku === w.sku);
        if (!line) throw badInput(`${w.sku} is not in this transfer.`, 'lines');
        if (w.quantity > line.inTransit) throw badInput(`Only ${line.inTransit} of ${w.sku} are in transit: ${w.quantity} cannot be received.`, 'lines');
        await transferIn(tx, { variantId: line.variantId, sku: line.sku, locationId: transfer.toLocation.id }, w.quantity, { note: `Transfer ${id} from ${transfer.fromLocation.code}` });
        // Safe in JavaScript: the claim above holds the transfer's row for this transaction.
        line.received += w.quantity;
        recordEvent(tx, 'stock.changed', { sku: line.sku, variantId: line.variantId, locationId: transfer.toLocation.id, delta: w.quantity, reason: 'TRANSFER_IN', transferId: id }, line.variantId);
      }
      if (all.every((l) => l.inTransit === 0)) {
        transfer.status = StockTransferStatus.RECEIVED;
        transfer.endedAt = new Date();
      }
      await tx.flush();
      return { id };
    }, async (first) => ({ id: first })));
    return em.fork().findOneOrFail(StockTransfer, { id });
  }

  async cancel(em: Em, id: string): Promise<StockTransfer> {
    await em.transactional(async (tx) => {
      const transfer = await claim(tx, id, StockTransferStatus.DRAFT, 'cancelled');
      transfer.status = StockTransferStatus.CANCELLED;
      transfer.endedAt = new Date();
      await tx.flush();
    });
    return em.fork().findOneOrFail(StockTransfer, { id });
  }
}

/** Claims the transfer in the status the change starts from (conditional UPDATE: one change at a time), with its locations. */
async function claim(tx: Em, id: string, from: StockTransferStatus, verb: string): Promise<StockTransfer> {
  const rows = await tx.execute('UPDATE stock_transfer SET revision = revision + 1 WHERE id = ? AND status = ? RETURNING id', [id, from]);
  if (!rows.length) {
    const [row] = await tx.execute('SELECT status FROM stock_transfer WHERE id = ?', [id]);
    if (!row) throw notFound('The stock transfer');
    throw new OrdoError('INVALID_STATE_TRANSITION', `The stock transfer is ${row.status}: only a ${from} transfer can be ${verb}.`);
  }
  return tx.findOneOrFail(StockTransfer, { id }, { populate: ['fromLocation', 'toLocation'] });
}
