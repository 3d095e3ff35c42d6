// One http server: Apollo over HTTP and graphql-ws over WebSocket on /graphql, plus /health, /ready and
// /metrics (with ORDO_METRICS_TOKEN); every request logged once when it ends (request-log.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { keepAlive } from './ws-keepalive.js';
import { GraphQLError, getOperationAST, type GraphQLSchema } from 'graphql';
import type { AppRuntime } from './runtime.js';
import { RequestContext, type OrdoContext } from './context.js';
import { ANONYMOUS, type Principal } from './auth.js';
import type { Em } from './db/orm.js';
import { formatError } from './errors-format.js';
import { queryLimits } from './query-limits.js';
import { inputStringsRule } from './input-strings.js';
import { requestChecks } from './request-checks.js';
import { requestPlugins, type RequestWatcher } from './request-plugins.js';
import { bindWsOperation, wsOperationHooks } from './ws-operations.js';
import { corsMiddleware } from './cors.js';
import { persistedQueries } from './apq-cache.js';
import { bodyErrors } from './body-errors.js';
import { compiledExecution } from './compiled-execution.js';
import { graphqlPost } from './graphql-post.js';
import { sqlCountHeader } from './sql-count-header.js';
import { OrdoError } from './errors.js';
import { mountGraphiql } from './ide/graphiql.route.js';
import { graphqlTracing, traceRequests } from './tracing-http.js';
import { mountQueueBoard } from './queue-board.js';
import { inRequestScope, requestLog } from './request-log.js';
import { principalKind, requestScope } from './request-scope.js';
import { countedSubscription, graphqlMetrics, operationKind, operationName } from './metrics-graphql.js';
import { serveMetrics } from './metrics-endpoint.js';
import { readiness } from './readiness.js';

/**
 * The same string in one piece. randomUUID builds its string by concatenation (a tree of about twenty
 * strings, some 600 bytes); a subscription's context keeps its request id as long as it is open.
 */
const flat = (s: string): string => Buffer.from(s, 'latin1').toString('latin1');

/** The largest request body (express.json's and graphql-post.ts's limit): 1 MB, as bytes.parse('1mb'). */
const BODY_LIMIT = 1024 * 1024;

/** Who sends a token (an HTTP request without one is anonymous without asking it; a WebSocket's connection asks it either way). */
export type PrincipalResolver = (em: Em, authorization: string | undefined) => Promise<Principal>;

export interface HttpServer {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** What Apollo's cache-control plugin answers when no field has a cache hint (its default maxAge is 0). */
const noStore: RequestWatcher<OrdoContext> = {
  requestDidStart() {
    return {
      willSendResponse({ response }) {
        const existing = response.http.headers.get('cache-control');
        // Apollo leaves a header it cannot parse alone, and answers no-store for anything else.
        if (existing && existing !== 'no-store' && !/^max-age=(\d+), (public|private)$/.test(existing)) return;
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

export async function createHttpServer(app: AppRuntime, schema: GraphQLSchema, principalOf: PrincipalResolver): Promise<HttpServer> {
  const expressApp = express();
  // The common POST /graphql goes straight to Apollo (graphql-post.ts); everything else to express. Set
  // once the routes are mounted, below.
  let direct: (req: IncomingMessage, res: ServerResponse) => boolean = () => false;
  const server = createServer((req, res) => {
    if (!direct(req, res)) expressApp(req, res);
  });
  // Idle keep-alive connections live longer here than in the clients and proxies in front (undici keeps
  // them 4 s, load balancers about 60 s): the client always closes an idle connection first, so it never
  // sends a request on a socket the server is closing at that moment (a reset the client cannot retry).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { config } = app;
  const limits = queryLimits({ maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost, maxAliases: config.maxAliases, maxDirectives: config.maxDirectives });
  const formatErrors = formatError(app.log);
  const apq = persistedQueries(config.redisUrl, config.redisPrefix, config.apqTtlSeconds, app.log);

  const context = async (authorization: string | undefined, ip?: string, requestId: string = randomUUID(), userAgent?: string): Promise<OrdoContext> => {
    const ctx = new RequestContext(app, requestId, authorization, ip, userAgent?.slice(0, 300));
    let principal: Principal;
    try {
      // A guest storefront's request (no token) is anonymous without a promise for it.
      principal = authorization ? await principalOf(ctx.em, authorization) : ANONYMOUS;
    } catch (e) {
      if (e instanceof OrdoError) {
        throw new GraphQLError(e.message, { extensions: { ...e.extensions, http: { status: 401 } } });
      }
      throw e;
    }
    const scope = requestScope.current();
    if (scope) scope.principal = principalKind(principal);
    ctx.principal = principal;
    return ctx;
  };

  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  // Parsed, bounded, validated and checked as over HTTP; errors formatted by the same formatter.
  const { payloadOf, ...wsHooks } = wsOperationHooks({
    schema, limits, maxTokens: config.maxTokens, introspection: config.introspection, formatError: formatErrors,
    subscriptionStarted: (stream) => countedSubscription(stream, app.metrics),
    // Counted as countedSubscription counts (open until it ends), without wrapping it.
    selfWrittenStarted: (stream) => {
      app.metrics.subscriptionsOpen.inc();
      stream.whenEnded(() => app.metrics.subscriptionsOpen.dec());
    },
    observe: (document, name, outcome) => app.metrics.operation(operationName(name, undefined, document), operationKind(document, name), outcome),
  });
  const wsCleanup = useServer<Record<string, unknown>, { ctx?: Pick<OrdoContext, 'app' | 'authorization' | 'ip'> }>(
    {
      schema,
      ...wsHooks,
      // Connection auth: a bad token is refused at connect time, before any subscription starts.
      onConnect: async (c) => {
        const auth = c.connectionParams?.authorization;
        try {
          // Kept for the socket's life: only what each operation's context starts from (an operation forks
          // its own EntityManager and resolves the principal again). The connect-time context's fork holds
          // what resolving the token loaded (an order, a key): kilobytes per open socket, dropped here.
          const { app: a, authorization, ip } = await context(typeof auth === 'string' ? auth : undefined);
          c.extra.ctx = { app: a, authorization, ip };
          // Nothing here reads the upgrade request again; graphql-ws would keep it (headers and all) as long
          // as the socket is open. (Cleared, not deleted: the object keeps its shape.)
          (c.extra as { request?: unknown }).request = undefined;
          return true;
        } catch {
          return false;
        }
      },
      context: async (c, id, _payload, args) => {
        const base = c.extra.ctx!;
        const em = app.orm.em.fork() as Em;
        // The principal again for each operation (one indexed lookup): a key revoked, a staff member
        // disabled or given other roles or channels since the socket opened counts from its next operation
        // (no longer valid: anonymous, so what needs a token is UNAUTHENTICATED).
        let principal: Principal = ANONYMOUS;
        try {
          principal = await principalOf(em, base.authorization);
        } catch { /* stays anonymous */ }
        const ctx: OrdoContext = { ...base, em, principal, loaders: new Map(), requestId: flat(randomUUID()) };
        // A subscription's resolver may write its `next` messages itself (src/live: one execution per event
        // for every socket that asked the same thing): it finds its socket and id through its context.
        if (getOperationAST(args.document, args.operationName)?.operation === 'subscription') {
          bindWsOperation(ctx, { id, socket: c.extra.socket, args, payloadOf });
        }
        return ctx;
      },
    },
    wsServer,
    // graphql-ws's keep-alive is a pair of timers per socket: one sweep for the process instead (ws-keepalive.ts).
    0,
  );
  const pings = keepAlive(wsServer, config.wsKeepAliveMs);

  const httpDrain = ApolloServerPluginDrainHttpServer({ httpServer: server });
  const apollo = new ApolloServer<OrdoContext>({
    // The schema; operations that clients repeat run as compiled plans (compiled-execution.ts).
    ...(config.compiledExecution ? { gateway: compiledExecution(schema, { compileAfter: config.compileAfter, compileMsPerSecond: config.compileMsPerSecond }) } : { schema }),
    // The limits also stop the standard rules from walking a document that exceeds them (query-limits.ts).
    validationRules: [limits, inputStringsRule],
    parseOptions: { maxTokens: config.maxTokens },
    persistedQueries: apq.options,
    formatError: formatErrors,
    includeStacktraceInErrorResponses: false,
    // The process owns SIGTERM (src/process.ts): Apollo's own handler would stop it twice and hang.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    plugins: [
      // WebSocket clients first (closed with 1001 "going away"), then the HTTP server drains: an open
      // subscription must not keep a stopping process alive. One plugin: each plugin costs every request
      // a promise in Apollo's `Promise.all` over them, whether it watches requests or not.
      {
        async serverWillStart(service) {
          const http = await httpDrain.serverWillStart!(service);
          return {
            async drainServer() {
              pings.stop();
              await wsCleanup.dispose();
              await http?.drainServer?.();
            },
          };
        },
      },
      // Nothing in the schema carries cache hints, so Apollo's cache-control plugin (a hook on every
      // resolved field) always ends in `cache-control: no-store`: say that directly instead.
      ApolloServerPluginCacheControlDisabled(),
      // The IDE is GraphiQL at /graphiql, served from node_modules (Apollo's landing page loads from a CDN).
      ApolloServerPluginLandingPageDisabled(),
      // Inline traces are for federated subgraphs, which this schema is not (Apollo's default plugin would
      // still be asked at every request).
      ApolloServerPluginInlineTraceDisabled(),
      requestPlugins([noStore, requestChecks<OrdoContext>(), graphqlMetrics<OrdoContext>(app.metrics), ...graphqlTracing<OrdoContext>()]),
    ],
  });
  await apollo.start();

  expressApp.disable('x-powered-by');
  // ORDO_TRUST_PROXY: req.ip (per-IP limits) is the client named by that many proxies, or those, in front.
  expressApp.set('trust proxy', config.trustProxy);
  const traced = traceRequests(expressApp); // a span per request, when tracing is on (kernel/tracing.ts)
  const cors = corsMiddleware(config.corsOrigins);
  const logHandlers = requestLog(app.log);
  const countSql = sqlCountHeader(app.config.debugSqlCount);
  const apolloContext = (req: IncomingMessage, ip: string | undefined) =>
    context(req.headers.authorization, ip, typeof req.id === 'string' ? req.id : undefined, req.headers['user-agent']);
  // First: every request gets its id and its log line, whatever answers it.
  expressApp.use(...logHandlers);
  // The IDE's GET /graphql (a browser asking for a page) first, then the API: every GraphQL request
  // reaches its handler without walking the routes below (a module's router each, the queue board, probes).
  mountGraphiql(expressApp, app.config);
  expressApp.use(
    '/graphql',
    ...(cors ? [cors] : []),
    express.json({ limit: BODY_LIMIT }),
    inRequestScope,
    countSql,
    expressMiddleware(apollo, { context: async ({ req }) => apolloContext(req, req.ip) }),
  );
  expressApp.use('/graphql', bodyErrors('1 MB'));
  // Module routes (document downloads, carrier webhooks) parse their own bodies.
  for (const m of app.modules) {
    if (!m.routes) continue;
    const router = express.Router();
    m.routes(router, app);
    expressApp.use(router);
  }
  mountQueueBoard(expressApp, app, principalOf, server);
  expressApp.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  expressApp.get('/ready', async (_req, res) => {
    const { ok, checks } = await readiness(app);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });
  // Only with a token: without ORDO_METRICS_TOKEN the API has no /metrics (404), ORDO_METRICS_PORT may serve it.
  const metricsToken = config.metricsToken;
  if (metricsToken) expressApp.get('/metrics', (req, res) => serveMetrics(app.metrics, req, res, metricsToken, app.log));

  // With tracing on, every request takes express's path, where the request's span is made.
  if (!traced) {
    direct = graphqlPost({
      apollo, requestLog: logHandlers, cors, countSql, trust: expressApp.get('trust proxy fn'), limit: BODY_LIMIT,
      context: apolloContext,
      onError: (err) => app.log.error({ err }, 'POST /graphql failed'),
    });
  }

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address();
          resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
      }),
    close: async () => {
      await apollo.stop();
      apq.close();
    },
  };
}
