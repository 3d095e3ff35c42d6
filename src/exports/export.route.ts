// GET /exports/<token> — the links of ExportService. The token is checked before anything is read: a
// tampered or expired link gets a plain 403 and no data. The CSV is written as it is read, one batch at a
// time, waiting for the socket to drain whenever the client reads slower than the database answers, so
// a process holds one batch per download however large the export. The rows are read from the read
// replica when there is one (DATABASE_READ_URL). A download that fails halfway is cut off (the
// response is destroyed, so the client sees an incomplete transfer, never a short file that looks whole).
import type { Request, Response, Router } from 'express';
import type { AppRuntime } from '../kernel/runtime.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';
import type { Em } from '../kernel/db/orm.js';
import { ExportService } from './export.service.js';
import { exportStreaming } from './export-heap.js';
import type { ExportSpec } from './export-token.js';
import { orderCsv } from './order-rows.js';
import { stockLevelCsv, stockMovementCsv } from './stock-rows.js';

function text(res: Response, status: number, body: string): void {
  res.status(status).type('text/plain').set('Cache-Control', 'no-store').send(body);
}

function chunks(db: SqlRunner, spec: ExportSpec): AsyncGenerator<string> {
  if (spec.kind === 'orders') return orderCsv(db, spec.filter);
  if (spec.kind === 'stock-levels') return stockLevelCsv(db, spec);
  return stockMovementCsv(db, spec);
}

/** Statements on the replica's connection when one is configured (the primary's otherwise). */
function readRunner(app: AppRuntime): SqlRunner {
  const em = app.orm.em.fork() as Em;
  const connection = em.getDriver().getConnection('read');
  return { execute: (sql, params = [], method = 'all') => connection.execute(sql, params as unknown[], method), getDriver: () => em.getDriver() };
}

/** Resolves when the socket takes more, or when the client went away (then `res.destroyed`). */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function exportRoutes(router: Router, app: AppRuntime): void {
  router.get('/exports/:token', async (req: Request, res: Response) => {
    const check = app.service(ExportService).open(String(req.params.token));
    if (!check.ok) return text(res, 403, check.reason === 'expired' ? 'This export link has expired: make a new one.' : 'This export link is not valid.');
    const spec = check.spec;
    const fileName = (spec.name ?? `${spec.kind}.csv`).replace(/[^\w.-]/g, '_');
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // The token is in the URL: keep it out of Referer headers.
      'Referrer-Policy': 'no-referrer',
    });
    if (req.method === 'HEAD') return void res.end();
    const rows = chunks(readRunner(app), spec);
    const streamed = exportStreaming();
    try {
      for await (const chunk of rows) {
        if (res.destroyed) break;
        if (!res.write(chunk)) await drained(res);
        if (res.destroyed) break;
      }
      if (!res.destroyed) res.end();
    } catch (e) {
      app.log.error({ err: e, kind: spec.kind }, 'export failed');
      if (!res.headersSent) {
        res.removeHeader('Content-Disposition');
        text(res, 500, 'The export could not be read.');
      }
      else res.destroy();
    } finally {
      streamed();
    }
  });
}
