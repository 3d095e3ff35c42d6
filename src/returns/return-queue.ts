// Staff's queue of returns: the returns of their channels, newest first, by status (REQUESTED to approve,
// APPROVED to receive, ...), a page at a time.
import type { Em } from '../kernel/db/orm.js';
import { adminIn, authorize, channelScope, type Principal } from '../kernel/auth.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { ChannelService } from '../channels/channel.service.js';
import type { AppRuntime } from '../kernel/runtime.js';
import { ReturnRequest } from './return-request.entity.js';
import type { ReturnStatus } from './return-status.js';

export async function returnQueue(
  app: AppRuntime, em: Em, principal: Principal,
  filter: { status?: ReturnStatus[] | null; channelCode?: string | null }, first?: number | null, after?: string | null,
): Promise<Page<ReturnRequest>> {
  authorize(principal, adminIn('orders'));
  const scope = channelScope(principal);
  const where: Record<string, unknown> = {};
  if (filter.status?.length) where.status = { $in: filter.status };
  let channels: string[] | null = scope ? [...scope] : null;
  if (filter.channelCode) {
    const channel = await app.service(ChannelService).byCode(em, filter.channelCode).catch(() => null);
    channels = channel && (!scope || scope.includes(channel.id)) ? [channel.id] : ['-'];
  }
  if (channels) where.channelId = { $in: channels };
  return pageOf(em, ReturnRequest, where, first, after);
}
