// Where /metrics is served. On the API port only with ORDO_METRICS_TOKEN, as a Bearer token (404 without
// the setting: nothing shows that metrics exist); on ORDO_METRICS_PORT without a token, on 127.0.0.1 (or
// ORDO_METRICS_HOST), for a scraper beside the process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metrics } from './metrics.js';
import type { Logger } from './logger.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** True when the Authorization header is `Bearer <token>` (compared in constant time). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  return !!m && timingSafeEqual(digest(m[1].trim()), digest(token));
}

/** Answers a scrape (after the token check, if `token` is given). */
export async function serveMetrics(metrics: Metrics, req: IncomingMessage, res: ServerResponse, token: string | undefined, log: Logger): Promise<void> {
  if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
    res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"' });
    res.end('Send the metrics token: Authorization: Bearer <ORDO_METRICS_TOKEN>\n');
    return;
  }
  try {
    const body = await metrics.text();
    res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
    res.end(body);
  } catch (err) {
    log.error({ err }, 'metrics could not be collected');
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('metrics could not be collected\n');
  }
}

export interface SmallServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** A plain HTTP server for a few GET routes (metrics port, worker port). */
export async function smallServer(port: number, host: string, routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void> | void>, log: Logger): Promise<SmallServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = req.method === 'GET' || req.method === 'HEAD' ? routes[path] : undefined;
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    Promise.resolve(route(req, res)).catch((err) => {
      log.error({ err, path }, 'ops endpoint failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  const actual = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
  return {
    server,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The separate metrics port (ORDO_METRICS_PORT): /metrics without a token. */
export function metricsServer(metrics: Metrics, port: number, host: string, log: Logger): Promise<SmallServer> {
  return smallServer(port, host, { '/metrics': (req, res) => serveMetrics(metrics, req, res, undefined, log) }, log);
}
