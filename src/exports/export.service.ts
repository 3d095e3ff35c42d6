// Making export links: the permission is checked here, once, and what the caller may see is baked into
// the signed token (export-token.ts) — a channel-scoped member's orders export names their channels — so
// the download route needs no session. Reading the CSV: export.route.ts.
import type { AppRuntime } from '../kernel/runtime.js';
import type { Em } from '../kernel/db/orm.js';
import { admin, adminIn, authorize, channelScope, type Principal } from '../kernel/auth.js';
import { OrdoError, badInput, notFound } from '../kernel/errors.js';
import { normaliseTags } from '../customers/customer-tags.js';
import { ChannelService } from '../channels/channel.service.js';
import { StockLocation } from '../inventory/stock-location.entity.js';
import type { OrderFilter } from '../orders/order.inputs.js';
import { signExportToken, verifyExportToken, type ExportSpec, type OrderExportFilter, type TokenCheck } from './export-token.js';
import type { ExportLink } from './export-link.js';

/** How long a link works: long enough to click it, short enough that a forwarded link soon stops. */
export const EXPORT_LINK_SECONDS = 15 * 60;

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

export class ExportService {
  constructor(private readonly app: AppRuntime) {}

  /** Orders as `orders(filter)` lists them for this principal (adminIn('orders'): scoped staff get their channels). */
  async ordersLink(em: Em, principal: Principal, filter?: OrderFilter | null): Promise<ExportLink> {
    authorize(principal, adminIn('orders'));
    const scope = channelScope(principal);
    const f: OrderExportFilter = {};
    if (filter?.status?.length) f.statuses = [...new Set(filter.status)];
    if (filter?.email) f.email = filter.email.trim().toLowerCase();
    if (filter?.externalId) f.externalId = filter.externalId;
    if (filter?.placedAfter) f.placedAfter = filter.placedAfter.getTime();
    if (filter?.placedBefore) f.placedBefore = filter.placedBefore.getTime();
    if (filter?.tags?.length) f.tags = normaliseTags(filter.tags, 'filter.tags');
    if (filter?.channelCode) {
      const ch = await this.app.service(ChannelService).byCode(em, filter.channelCode).catch((e: unknown) => {
        if (e instanceof OrdoError && e.code === 'BAD_USER_INPUT') return null; // as the list: no such channel, no orders
        throw e;
      });
      f.channelIds = ch && (!scope || scope.includes(ch.id)) ? [ch.id] : [];
    } else if (scope) {
      f.channelIds = [...new Set(scope)];
    }
    return this.link({ kind: 'orders', filter: f, expires: 0 }, `orders-${stamp(new Date())}.csv`);
  }

  /** Stock levels of every channel's stock: the inventory role, unscoped (as `stockLevels`). */
  async stockLevelsLink(em: Em, principal: Principal, locationCode?: string | null, sku?: string | null): Promise<ExportLink> {
    authorize(principal, admin('inventory'));
    const locationId = locationCode ? await this.locationId(em, locationCode) : undefined;
    const spec: ExportSpec = { kind: 'stock-levels', expires: 0, ...(locationId ? { locationId } : {}), ...(sku ? { sku } : {}) };
    return this.link(spec, `stock-levels${locationCode ? `-${safe(locationCode)}` : ''}-${stamp(new Date())}.csv`);
  }

  /** Ledger movements with from <= at < to: the inventory role, unscoped (as `stockMovements`). */
  async stockMovementsLink(em: Em, principal: Principal, from: Date, to: Date, sku?: string | null, locationCode?: string | null): Promise<ExportLink> {
    authorize(principal, admin('inventory'));
    if (!(from.getTime() < to.getTime())) throw badInput('from must be before to.', 'to');
    const locationId = locationCode ? await this.locationId(em, locationCode) : undefined;
    const spec: ExportSpec = {
      kind: 'stock-movements', from: from.getTime(), to: to.getTime(), expires: 0,
      ...(locationId ? { locationId } : {}), ...(sku ? { sku } : {}),
    };
    return this.link(spec, `stock-movements-${stamp(from)}-${stamp(to)}.csv`);
  }

  /** A token's export, or why it is refused. */
  open(token: string): TokenCheck {
    return verifyExportToken(this.app.secret, token);
  }

  private async locationId(em: Em, code: string): Promise<string> {
    const location = await em.findOne(StockLocation, { code });
    if (!location) throw notFound(`Stock location "${code}"`);
    return location.id;
  }

  private link(spec: ExportSpec, fileName: string): ExportLink {
    const expiresAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + EXPORT_LINK_SECONDS * 1000);
    const token = signExportToken(this.app.secret, { ...spec, expires: expiresAt.getTime(), name: fileName });
    return { url: `${this.app.config.publicUrl ?? ''}/exports/${token}`, expiresAt, fileName };
  }
}

/** A location code as part of a file name. */
function safe(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 40);
}
