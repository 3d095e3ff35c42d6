// The `file` connector's folder: a channel whose system drops order files (CSV or JSON, as
// order-files.ts reads them) into a folder Ordo can read — an SFTP drop, a mounted share, a POS export.
// The poll job takes one file a page, in name order, and the cursor is the name of the last file taken:
// name the files so that they sort by time (orders-2026-12-01T10-15.csv). A file at or before the cursor
// is done: the next pull moves it to `imported/`. A file Ordo cannot read is moved to `failed/` with a
// `.error.txt` beside it saying why, and the files after it go on. Each order is imported once per
// (channel, externalId) however often a file is read (a worker killed between import and cursor).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { badInput, OrdoError } from '../kernel/errors.js';
import type { ConnectorContext, PulledPage } from './connector.js';
import { ordersOfFile } from './order-files.js';

const ORDER_FILE = /\.(csv|json)$/i;
/** Files larger than this are failed rather than read into memory (the POST route's limit too). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Checks `config.folder` as connectChannel stores it: an absolute path to a folder that exists. */
export function checkFolder(folder: unknown): void {
  if (typeof folder !== 'string' || !isAbsolute(folder)) throw badInput('config.folder is the absolute path of the folder the channel drops its order files in.', 'config.folder');
  let ok = false;
  try {
    ok = statSync(folder).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw badInput(`config.folder "${folder}" is not a folder Ordo can read.`, 'config.folder');
}

/** The next file after `cursor` as a page of orders; files at or before the cursor go to imported/ first. */
export async function pullFolder(ctx: ConnectorContext, cursor: string | null): Promise<PulledPage> {
  const folder = String(ctx.config.folder);
  const files = readdirSync(folder, { withFileTypes: true }).filter((f) => f.isFile() && ORDER_FILE.test(f.name)).map((f) => f.name).sort();
  const done = cursor === null ? [] : files.filter((f) => f <= cursor);
  for (const f of done) moveTo(folder, 'imported', f);
  const waiting = files.filter((f) => cursor === null || f > cursor);
  if (!waiting.length) return { orders: [], cursor, more: false };
  const name = waiting[0];
  const path = join(folder, name);
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw badInput(`The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`, 'file');
    const orders = ordersOfFile(readFileSync(path, 'utf8'), name.toLowerCase().endsWith('.json') ? 'application/json' : 'text/csv');
    ctx.log.info({ file: name, orders: orders.length }, `channel ${ctx.channelCode}: reading ${name}`);
    return { orders, cursor: name, more: waiting.length > 1 };
  } catch (e) {
    // A file nobody can read stops nothing: it is put aside with the reason, the next one is taken.
    if (!(e instanceof OrdoError)) throw e;
    moveTo(folder, 'failed', name);
    writeFileSync(join(folder, 'failed', `${name}.error.txt`), `${e.message}\n`);
    ctx.log.warn({ file: name, err: e.message }, `channel ${ctx.channelCode}: ${name} could not be read, moved to failed/`);
    return { orders: [], cursor: name, more: waiting.length > 1 };
  }
}

function moveTo(folder: string, sub: string, name: string): void {
  const dir = join(folder, sub);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  try {
    renameSync(join(folder, name), join(dir, name));
  } catch (e) {
    // Moved already (another poll, at the same moment): nothing to do.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
