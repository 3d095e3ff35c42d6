// A worker process's own small server on ORDO_WORKER_PORT (it has no API): /health (the process is
// alive), /ready (503 while the database or Redis does not answer) and /metrics (with the Bearer token
// when ORDO_METRICS_TOKEN is set).
import type { AppRuntime } from './runtime.js';
import type { Metrics } from './metrics.js';
import { readiness } from './readiness.js';
import { serveMetrics, smallServer, type SmallServer } from './metrics-endpoint.js';

export function workerHealthServer(app: AppRuntime, metrics: Metrics, port: number, host: string): Promise<SmallServer> {
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  return smallServer(port, host, {
    '/health': (_req, res) => json(res, 200, { status: 'ok' }),
    '/ready': async (_req, res) => {
      const r = await readiness(app);
      json(res, r.ok ? 200 : 503, { status: r.ok ? 'ready' : 'not ready', checks: r.checks });
    },
    '/metrics': (req, res) => serveMetrics(metrics, req, res, app.config.metricsToken, app.log),
  }, app.log);
}
