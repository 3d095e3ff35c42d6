// The `file` connector: a channel that sends its orders as files — an export of a POS, a spreadsheet, a
// marketplace's order report — posted to POST /channels/:code/import (file-import.route.ts), signed with
// the channel's secret, or dropped into a folder the poll job reads (order-folder.ts). Nothing is pushed
// back: such channels have no API to talk to.
// Settings: { secret } (at least 16 characters), the HMAC-SHA256 key of posted files; and/or { folder },
// the absolute path of the folder to read. At least one of them.
import { badInput } from '../../kernel/errors.js';
import type { ChannelConnector } from '../connector.js';
import { checkFolder, pullFolder } from '../order-folder.js';

export const FILE_CONNECTOR = 'file';

export const fileConnector: ChannelConnector = {
  code: FILE_CONNECTOR,
  checkConfig(config) {
    if (config.folder === undefined && config.secret === undefined) throw badInput('config needs a secret (files posted to /channels/:code/import) or a folder (files read from it), or both.', 'config');
    if (config.secret !== undefined && (typeof config.secret !== 'string' || config.secret.length < 16)) throw badInput('config.secret is the signing secret of the channel\'s files: at least 16 characters.', 'config.secret');
    if (config.folder !== undefined) checkFolder(config.folder);
  },
  // A channel without a folder has nothing to pull: its files are posted.
  async pullOrders(ctx, cursor) {
    if (typeof ctx.config.folder !== 'string') return { orders: [], cursor, more: false };
    return pullFolder(ctx, cursor);
  },
};
