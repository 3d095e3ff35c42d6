// Saving, reading and linking documents (labels, packing slips, pick lists, invoices). The store is
// swappable; links are signed with the engine secret, so any API node can serve any link.
import { join } from 'node:path';
import type { AppRuntime } from '../kernel/runtime.js';
import { badInput } from '../kernel/errors.js';
import type { DocumentStore, StoredDocument } from './document-store.js';
import { FileDocumentStore } from './file-document-store.js';
import { assertDocumentKey, isDocumentKey } from './document-key.js';
import { signPath, verifySignature, type SignatureCheck } from './signed-link.js';

export class DocumentService {
  private store: DocumentStore;

  constructor(private readonly app: AppRuntime) {
    this.store = new FileDocumentStore(join(app.config.dataDir, 'documents'));
  }

  /** Replaces the store (a plugin's object storage); call it from the plugin's onStart. */
  setStore(store: DocumentStore): void {
    this.store = store;
  }

  /** Overwrites a document of the same key: re-rendering a label replaces it. */
  async save(key: string, data: Buffer, contentType = 'application/pdf'): Promise<void> {
    assertDocumentKey(key);
    if (!/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(contentType) || /[\r\n]/.test(contentType)) {
      throw badInput(`"${contentType}" is not a content type.`, 'contentType');
    }
    await this.store.put(key, data, contentType);
  }

  /** Null when there is no such document, or when the key is not one a document could have. */
  async get(key: string): Promise<StoredDocument | null> {
    if (!isDocumentKey(key)) return null;
    return this.store.get(key);
  }

  /** A link that fetches the document without a session until it expires (absolute when publicUrl is set). */
  signedUrl(key: string, ttlSeconds: number = this.app.config.documentLinkSeconds): string {
    assertDocumentKey(key);
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw badInput('ttlSeconds must be positive.', 'ttlSeconds');
    const expires = Math.floor(Date.now() / 1000) + Math.ceil(ttlSeconds);
    return `${this.app.config.publicUrl ?? ''}${signPath(this.app.secret, key, expires)}`;
  }

  /** Checks a link's query parameters against the key it names. */
  verify(key: string, expires: string, signature: string, nowSeconds?: number): SignatureCheck {
    return verifySignature(this.app.secret, key, expires, signature, nowSeconds);
  }
}
