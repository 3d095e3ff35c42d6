// Saving, reading and linking documents (labels, packing slips, pick lists, invoices). The store is
// swappable; links are signed with the engine secret, so any API node can serve any link.
import { join } from 'node:path';
import type { AppRuntime } from '../kernel/runtime.js';
import { badInput } from '../kernel/errors.js';
import type { DocumentStore, StoredDocument } from './document-store.js';
import { FileDocumentStore } from './file-document-store.js';
import { assertDocumentKey, isDocumentKey } from './document-key.js';
import { signPath, verifySignature, type SignatureCheck } from './signed-link.js';

/**
 * Renders a document that was never stored, from the database (null: there is no such document). A
 * document nobody downloads is never rendered: fulfillment no longer spends a PDF per shipment up front.
 */
export type DocumentSource = (key: string) => Promise<{ data: Buffer; contentType: string } | null>;

export class DocumentService {
  private store: DocumentStore;
  private sources: [prefix: string, render: DocumentSource][] = [];

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

  /** Documents under `prefix` are rendered by `render` on their first read, then kept in the store. */
  registerSource(prefix: string, render: DocumentSource): void {
    this.sources.push([prefix, render]);
  }

  /**
   * Null when there is no such document, or when the key is not one a document could have. A document of
   * a registered source is rendered and saved on its first read (two first reads at once render the same
   * bytes twice, and the second save overwrites the first with the same document).
   */
  async get(key: string): Promise<StoredDocument | null> {
    if (!isDocumentKey(key)) return null;
    const stored = await this.store.get(key);
    if (stored) return stored;
    const source = this.sources.find(([prefix]) => key.startsWith(prefix));
    const rendered = source ? await source[1](key) : null;
    if (!rendered) return null;
    await this.save(key, rendered.data, rendered.contentType);
    return rendered;
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
