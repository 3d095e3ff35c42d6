// Where documents (labels, packing slips, pick lists, invoices) are kept. The default is a folder in
// the data directory; a plugin can set another store (S3-like storage) through DocumentService.setStore.

export interface StoredDocument {
  data: Buffer;
  contentType: string;
}

export interface DocumentStore {
  put(key: string, data: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<StoredDocument | null>;
}
