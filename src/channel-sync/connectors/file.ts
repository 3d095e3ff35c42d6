// The `file` connector: a channel that sends its orders as files — an export of a POS, a spreadsheet, a
// marketplace's order report — posted to POST /channels/:code/import (file-import.route.ts), signed with
// the channel's secret. Nothing is pulled or pushed back: such channels have no API to talk to.
// Settings: { secret } (at least 16 characters), the HMAC-SHA256 key of the signature.
import { badInput } from '../../kernel/errors.js';
import type { ChannelConnector } from '../connector.js';

export const FILE_CONNECTOR = 'file';

export const fileConnector: ChannelConnector = {
  code: FILE_CONNECTOR,
  checkConfig(config) {
    if (typeof config.secret !== 'string' || config.secret.length < 16) throw badInput('config.secret is the signing secret of the channel\'s files: at least 16 characters.', 'config.secret');
  },
};
