// Document keys are relative paths ("labels/shp_x.pdf"). They end up in file paths and in URLs, so the
// alphabet is small enough that neither needs escaping and no key can climb out of the store's folder.
import { badInput } from '../kernel/errors.js';

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
const MAX_KEY_LENGTH = 512;

/**
 * True for keys like `labels/shp_x.pdf`: segments of [A-Za-z0-9._-] joined by single slashes, no `..`,
 * no leading slash, and no segment starting with a dot (hidden files and the stores' temp files).
 */
export function isDocumentKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= MAX_KEY_LENGTH && KEY.test(key) && !key.includes('..');
}

export function assertDocumentKey(key: unknown): asserts key is string {
  if (!isDocumentKey(key)) {
    throw badInput('A document key is a relative path of letters, digits, ".", "_", "-" and "/", such as labels/shp_1.pdf.', 'key');
  }
}

/** The last path segment: the file name offered to browsers. */
export function documentFileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
