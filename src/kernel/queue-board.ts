// The queue board: bull-board at /admin/queues, over this deployment's BullMQ queues (REDIS_URL), for
// an admin key with the `operations` role (or `superadmin`). Without Redis the jobs live in one process's
// memory and there is nothing to show: /admin/queues answers 404 saying so.
//
// Access: `Authorization: Bearer <api key>` on every request, resolved as GraphQL resolves it (a revoked
// key is refused on its next request): none or an invalid key is 401, a key without the role is 403.
// Header only, no cookie, on purpose: a browser cannot send the header on a page load, and a cookie
// could only be set by a first request that carries the header anyway (so a browser needs help either
// way); a cookie would also keep a long-lived API key in the browser and make the board's own POST/PUT
// actions (retry, clean, obliterate) reachable by cross-site requests. Operators open the board through
// a proxy that adds the header (oauth2-proxy, nginx `proxy_set_header Authorization`, or a browser
// extension): docs/deploy.md. Should that proxy add the header to every request, a cross-site page could
// still make the browser send one through it: changes from a page of another site (Sec-Fetch-Site) are
// refused.
//
// The page loads nothing from elsewhere (its Content-Security-Policy says so): bull-board's page links
// Google Fonts, which is taken out (the board falls back to the system's fonts).
import type { Server } from 'node:http';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Queue, ConnectionOptions } from 'bullmq';
import { lazyRequire } from './lazy-require.js';
import { redisClient, type Redis } from './redis-client.js';
import type { AppRuntime } from './runtime.js';
import type { Em } from './db/orm.js';
import { channelScope, isAdmin, type Principal } from './auth.js';
import { OrdoError } from './errors.js';
import { queueNames } from './queue/queue-names.js';
import { principalKind, requestScope } from './request-scope.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

type PrincipalOf = (em: Em, authorization: string | undefined) => Promise<Principal>;

/**
 * Security headers (helmet) for the board's page, API and files. Scripts, styles, images and fonts from
 * this engine only; styles also inline (the page's loading indicator, and React's style attributes);
 * `<base href>` to this origin (the page's files are relative to /admin/queues/); no framing at all
 * (its buttons empty and delete queues).
 */
const boardHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
});

function refuse(res: Response, status: number, message: string): void {
  if (status === 401) res.set('www-authenticate', 'Bearer realm="ordo queue board"');
  res.status(status).type('text/plain').set('cache-control', 'no-store').send(message);
}

/** Removes what the page would load from another host (Google Fonts); checked by test/e2e/queue-board.test.ts. */
// bullmq and bull-board (its templates and pages) are loaded by the board's first request (lazy-require.ts).
const bullmq = lazyRequire<typeof import('bullmq')>('bullmq');
const bullBoard = lazyRequire<typeof import('@bull-board/api')>('@bull-board/api');
const bullMqAdapter = lazyRequire<typeof import('@bull-board/api/bullMQAdapter')>('@bull-board/api/bullMQAdapter');
const expressAdapter = lazyRequire<typeof import('@bull-board/express')>('@bull-board/express');

const EXTERNAL_STYLESHEET = /<link\b[^>]*\bhref="https?:\/\/[^"]*"[^>]*>/gi;

export function mountQueueBoard(expressApp: Express, app: AppRuntime, principalOf: PrincipalOf, server: Server): void {
  const { config } = app;
  if (app.queue.kind !== 'bullmq' || !config.redisUrl) {
    expressApp.use(QUEUE_BOARD_PATH, boardHeaders, (_req, res) => {
      refuse(res, 404, 'The queue board needs REDIS_URL (the BullMQ queue driver); this engine keeps its jobs in process memory.\n');
    });
    return;
  }
  const redisUrl = config.redisUrl;

  // Built on the first request that gets through: an API process nobody opens the board on keeps no
  // extra Redis connection. The board's queues share one connection of their own.
  let board: { router: Express; connection: Redis; queues: Queue[] } | undefined;
  const open = () => {
    if (board) return board;
    // One retry per command: with Redis down the board answers an error quickly instead of hanging.
    const connection = redisClient(redisUrl, { maxRetriesPerRequest: 1 });
    connection.on('error', (err) => app.log.warn({ err: err.message }, 'redis (queue board) connection error'));
    const queues = queueNames(app.modules).map((name) => {
      const q = new (bullmq().Queue)(name, { connection: connection as unknown as ConnectionOptions, prefix: config.redisPrefix });
      q.on('error', (err) => app.log.warn({ err: err.message, queue: name }, 'queue board: queue error'));
      return q;
    });
    const adapter = new (expressAdapter().ExpressAdapter)().setBasePath(QUEUE_BOARD_PATH);
    bullBoard().createBullBoard({
      queues: queues.map((q) => new (bullMqAdapter().BullMQAdapter)(q)),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'Ordo queues' } },
    });
    const router = adapter.getRouter() as Express;
    // A mounted express app sets its own X-Powered-By (helmet has removed the parent's by then).
    router.disable('x-powered-by');
    board = { router, connection, queues };
    return board;
  };

  server.once('close', () => {
    if (!board) return;
    const { queues, connection } = board;
    board = undefined;
    void Promise.allSettled(queues.map((q) => q.close())).then(() => connection.disconnect());
  });

  const authorize: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    let principal: Principal;
    try {
      principal = await principalOf(app.orm.em.fork() as Em, req.headers.authorization);
    } catch (e) {
      if (e instanceof OrdoError) return refuse(res, 401, `${e.message}\n`);
      return next(e);
    }
    const scope = requestScope.current();
    if (scope) scope.principal = principalKind(principal);
    if (principal.kind === 'anonymous') {
      return refuse(res, 401, 'The queue board needs an admin API key with the operations role: Authorization: Bearer <key>.\n');
    }
    // The queues hold every channel's jobs: a key kept to channels is refused like a key without the role.
    if (!isAdmin(principal, 'operations') || channelScope(principal)) {
      return refuse(res, 403, 'The queue board needs an admin API key with the operations or superadmin role, for every channel.\n');
    }
    const site = req.headers['sec-fetch-site'];
    if (!['GET', 'HEAD'].includes(req.method) && typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
      return refuse(res, 403, 'The queue board takes changes from its own page only.\n');
    }
    next();
  };

  const privateAnswers: RequestHandler = (req, res, next) => {
    // The page and the API answer what this key may see: no cache keeps them. The files under /static
    // are bull-board's own (express.static's validators apply).
    if (!req.path.startsWith('/static/')) res.set('cache-control', 'no-store');
    if (req.method === 'GET' && !req.path.startsWith('/static/') && !req.path.startsWith('/api/')) {
      const send = res.send.bind(res);
      res.send = ((body: unknown) => send(typeof body === 'string' ? body.replace(EXTERNAL_STYLESHEET, '') : body)) as typeof res.send;
    }
    next();
  };

  expressApp.use(QUEUE_BOARD_PATH, boardHeaders, authorize, privateAnswers, (req, res, next) => open().router(req, res, next));
}
