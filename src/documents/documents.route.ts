// GET /documents/<key>?expires=…&signature=… — the signed links of DocumentService.signedUrl. The link is
// the permission, so the signature is checked before the store is asked: an unsigned request learns
// nothing, not even whether a document exists.
import type { Router, Request, Response } from 'express';
import type { AppRuntime } from '../kernel/runtime.js';
import { DocumentService } from './document.service.js';
import { documentFileName, isDocumentKey } from './document-key.js';

function keyOf(param: unknown): string {
  // Express 5 hands a `*key` wildcard over as its segments.
  return Array.isArray(param) ? param.join('/') : typeof param === 'string' ? param : '';
}

function text(res: Response, status: number, body: string): void {
  res.status(status).type('text/plain').set('Cache-Control', 'no-store').send(body);
}

export function documentRoutes(router: Router, app: AppRuntime): void {
  router.get('/documents/*key', async (req: Request, res: Response) => {
    const key = keyOf((req.params as Record<string, unknown>).key);
    const { expires, signature } = req.query;
    if (typeof expires !== 'string' || typeof signature !== 'string') return text(res, 403, 'This link is not valid.');
    const documents = app.service(DocumentService);
    const check = documents.verify(key, expires, signature);
    if (check === 'expired') return text(res, 403, 'This link has expired.');
    if (check !== 'ok') return text(res, 403, 'This link is not valid.');
    if (!isDocumentKey(key)) return text(res, 404, 'Document not found.');
    let doc;
    try {
      doc = await documents.get(key);
    } catch (e) {
      app.log.error({ err: e, key }, 'document read failed');
      return text(res, 500, 'The document could not be read.');
    }
    if (!doc) return text(res, 404, 'Document not found.');
    // setHeader, not res.type/res.set: the stored type is sent exactly as saved.
    res.setHeader('Content-Type', doc.contentType);
    res
      .status(200)
      .set({
        'Content-Length': String(doc.data.length),
        'Content-Disposition': `inline; filename="${documentFileName(key)}"`,
        'Cache-Control': 'private, max-age=60',
        'X-Content-Type-Options': 'nosniff',
        // The signature is in the URL: keep it out of Referer headers of anything the document links to.
        'Referrer-Policy': 'no-referrer',
      })
      .end(doc.data);
  });
}
