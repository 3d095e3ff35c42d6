// The default document store: a folder (by default <dataDir>/documents). Enough for one node or for
// several nodes on a shared volume; a plugin brings object storage through DocumentService.setStore.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import type { DocumentStore, StoredDocument } from './document-store.js';
import { assertDocumentKey } from './document-key.js';
import { badInput } from '../kernel/errors.js';

/** The content type sits next to the file, so any type round-trips, not only the ones an extension implies. */
const TYPE_SUFFIX = '.content-type';

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  zpl: 'application/zpl',
};

export function contentTypeOfKey(key: string): string {
  const dot = key.lastIndexOf('.');
  return (dot > key.lastIndexOf('/') && BY_EXTENSION[key.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

export class FileDocumentStore implements DocumentStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    // Temp file + rename in the same folder: a reader sees the old document or the new one, never half of
    // one. The type goes first, so a document that exists always has its type beside it.
    await this.writeAtomically(file + TYPE_SUFFIX, Buffer.from(contentType, 'utf8'));
    await this.writeAtomically(file, data);
  }

  async get(key: string): Promise<StoredDocument | null> {
    const file = this.pathOf(key);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    let contentType: string;
    try {
      contentType = (await readFile(file + TYPE_SUFFIX, 'utf8')).trim() || contentTypeOfKey(key);
    } catch (e) {
      if (!isMissing(e)) throw e;
      contentType = contentTypeOfKey(key);
    }
    return { data, contentType };
  }

  /** The file of a key; refuses keys that are not plain relative paths (and, belt and braces, any path outside the root). */
  pathOf(key: string): string {
    assertDocumentKey(key);
    if (key.endsWith(TYPE_SUFFIX)) throw badInput(`A document key may not end with "${TYPE_SUFFIX}".`, 'key'); // the sidecars are not documents
    const file = resolve(this.root, ...key.split('/'));
    if (!file.startsWith(this.root + sep)) throw badInput('A document key must stay inside the document store.', 'key');
    return file;
  }

  private async writeAtomically(file: string, data: Buffer): Promise<void> {
    // Dot-prefixed: no valid key names a temp file.
    const temp = join(dirname(file), `.tmp-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(temp, data);
      await rename(temp, file);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}
