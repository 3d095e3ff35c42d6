// Every setting the engine reads, in one place, validated at start with a message that says what to fix.
import { isIP } from 'node:net';
import { resolve } from 'node:path';

export type DatabaseKind = 'sqlite' | 'postgresql';

export interface OrdoConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /**
   * `readUrl` (DATABASE_READ_URL, PostgreSQL only): a read replica of `url`. Order lists (`orders`, a customer's
   * orders) and their totalCount read from it; everything else, anything in a transaction and every write use
   * `url`. A replica lags its primary: a list may miss an order placed a moment ago (kernel/db/orm.ts).
   */
  database: { kind: DatabaseKind; url?: string; readUrl?: string; sqlitePath: string; poolSize: number; prepare: boolean };
  dataDir: string;
  redisUrl?: string;
  /** Key prefix for BullMQ queues and pub/sub channels, so several engines (or test files) can share one Redis. */
  redisPrefix: string;
  adminApiKey?: string;
  /** Secret for signed links and derived tokens; generated and stored in the database when unset outside production. */
  secret?: string;
  runApi: boolean;
  runWorkers: boolean;
  seedDemo: boolean;
  /**
   * Apply pending migrations when the engine starts (ORDO_MIGRATE_ON_START; true unless NODE_ENV=production).
   * When false, a start on a database with pending migrations is refused, naming them: run `npm run migrate`.
   */
  migrateOnStart: boolean;
  logLevel: string;
  /** How long an unacknowledged outbox event waits before the sweeper republishes it. */
  outboxRetryMs: number;
  /** How long reference data (channels, shipping methods, tax rates) may be served from a process cache. */
  referenceCacheMs: number;
  /** How long a carrier's live rate for one parcel and address is kept: the quote's price is what placeOrder charges. */
  rateCacheMs: number;
  maxQueryDepth: number;
  /** Estimated fields resolved, a list counting its page size (or 10) times what it selects (kernel/query-measure.ts). */
  maxQueryCost: number;
  /** Aliases in one request, counted once per place a fragment is spread. */
  maxAliases: number;
  /** Directives in one request, counted the same way. */
  maxDirectives: number;
  /** Tokens the parser reads before it refuses a document. */
  maxTokens: number;
  /** Whether `__schema`/`__type` are answered (IDEs and code generators need them). */
  introspection: boolean;
  /** Whether repeated operations run as compiled plans (kernel/compiled-execution.ts) instead of graphql-js's executor. */
  compiledExecution: boolean;
  /** Executions of a document on graphql-js before it is compiled (0: compiled at its first execution). */
  compileAfter: number;
  /** Milliseconds per second that compiling may take on average (five times that in a burst). */
  compileMsPerSecond: number;
  /** How often each WebSocket is pinged; one that has not answered the last ping by the next is closed (0: never). */
  wsKeepAliveMs: number;
  /** Browser origins allowed to call /graphql (CORS); `*` for any; unset → none (same origin only). */
  corsOrigins?: string[] | '*';
  /** How long an automatic persisted query stays registered (Redis when REDIS_URL is set, else process memory). */
  apqTtlSeconds: number;
  customerSessionDays: number;
  /** Sign-in throttle: attempts per email (a success clears them) and failed attempts per IP, in one window. */
  loginLimitPerEmail: number;
  loginLimitPerIp: number;
  loginWindowSeconds: number;
  /** placeOrder / quoteOrder requests per minute per token (per IP without one); 0 = no limit. */
  placeOrderRate: number;
  quoteOrderRate: number;
  /** Answers `x-ordo-count-sql` request headers with the request's SQL statement count (benchmarks, tests). */
  debugSqlCount: boolean;
  /**
   * The jobs' plain-SQL paths for their common cases (the automated walk, the capture, the invoice): on by
   * default; false sends every case the ORM's way (the same rows: to compare, or to rule them out).
   */
  plainSql: boolean;
  /**
   * OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT, the OTLP/HTTP base URL such as http://collector:4318;
   * spans go to its /v1/traces as protobuf): unset → no tracing, nothing of OpenTelemetry loaded
   * (kernel/tracing.ts). OTEL_EXPORTER_OTLP_HEADERS and the other standard exporter variables apply.
   */
  otelEndpoint?: string;
  /** service.name on the spans (OTEL_SERVICE_NAME): `ordo`, or `ordo-worker` for a worker process. */
  otelServiceName: string;
  /** Base of document links (`https://api.shop.example`); unset → links are paths on this server (`/documents/…`). */
  publicUrl?: string;
  /**
   * The storefront's page that sets a new password (ORDO_PASSWORD_RESET_URL, e.g.
   * https://shop.example/reset-password): the reset mail links to it with `?token=…`. Unset → the mail
   * gives the code to paste instead.
   */
  passwordResetUrl?: string;
  /** How long a signed document link stays valid. */
  documentLinkSeconds: number;
  /** Workers per queue in this process. */
  queueConcurrency: number;
  /**
   * BullMQ: how long a running job's lock lasts (renewed at half of it while the job runs), and how often
   * a worker looks for jobs whose lock ran out. A job of a process that died runs again within about two
   * of these.
   */
  queueLockMs: number;
  /** Events the relay puts in one job of the events queue at most (kernel/outbox/event-group.ts); 1: a job per event. */
  eventGroupSize: number;
  /** placeOrder's group commit (PostgreSQL): one-SKU orders per shared transaction at most; 1 turns it off. */
  placeBatchMax: number;
  /** Housekeeping: a `manual` order still unpaid after this long is cancelled (stock released). */
  unpaidOrderTtlMs: number;
  /** Housekeeping: a shipment in one state longer than this (before delivery) is flagged EXCEPTION. */
  stuckShipmentMs: number;
  /** How often the housekeeping jobs run. */
  housekeepingEveryMs: number;
  /** How often each connected channel is asked for new orders (channel-sync). */
  channelPollMs: number;
  /** How often expired checkout holds are looked for and their units given back (checkout-holds). */
  checkoutHoldSweepMs: number;
  /** The first wait after a failed pull from a channel; it doubles with each failure in a row (at most 5 minutes). */
  channelBackoffMs: number;
  /** How often a live subscription checks that its token is still valid. */
  subscriptionRecheckMs: number;
  /** SMTP server for customer mails (smtp://user:pass@host:587); unset → .eml files in the data folder. */
  smtpUrl?: string;
  notifyEmailFrom?: string;
  notifySmsFrom?: string;
  /** Tries of a capture the provider refuses, before the order goes ON_HOLD; the first retry waits captureBackoffMs, doubling. */
  captureAttempts: number;
  captureBackoffMs: number;
  /** Tries of a cancelled order's refund the provider refuses (then housekeeping retries); the first retry waits refundBackoffMs, doubling. */
  refundAttempts: number;
  refundBackoffMs: number;
  /** When invoices are issued: when payment is captured, or when the order ships. */
  invoiceOn: 'capture' | 'shipment';
  /** Days after delivery in which a return can be requested (ORDO_RETURN_WINDOW_DAYS). */
  returnWindowDays: number;
  /** Days a click & collect order waits READY_FOR_PICKUP at its store before housekeeping cancels it (ORDO_PICKUP_WINDOW_DAYS). */
  pickupWindowDays: number;
  /** Replenishment: days of shipped units daily demand is worked out from, demand days kept on top of the lead time, days an order covers. */
  replenishment: { windowDays: number; safetyDays: number; coverDays: number };
  /** When card payments of a new channel are captured, unless createChannel says (existing channels keep theirs). */
  defaultCapturePolicy: 'ON_PLACEMENT' | 'ON_FIRST_SHIPMENT' | 'PER_SHIPMENT';
  /** Bearer token for GET /metrics on the API port (and a worker's port); unset → /metrics is not served there. */
  metricsToken?: string;
  /** A separate port serving /metrics without a token, on metricsHost (127.0.0.1 unless ORDO_METRICS_HOST). */
  metricsPort?: number;
  metricsHost: string;
  /** A worker process's port for /health, /ready and /metrics; unset → none. */
  workerPort?: number;
  /**
   * Express's `trust proxy` (ORDO_TRUST_PROXY): which proxies in front may say who the client is in
   * X-Forwarded-For, so that per-IP limits count the client and not the load balancer. false (default):
   * the connection's address; a number: that many proxies in front; a list: the proxies' addresses or
   * subnets (`loopback`, `10.0.0.0/8`, …).
   */
  trustProxy: false | number | string[];
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name}=${raw} is not valid: give a whole number from ${min} to ${max}, or leave it unset (default ${fallback}).`);
  }
  return n;
}

function optionalInt(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  return int(env, name, 0, min, max);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name}=${raw} is not valid: use true or false.`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!values.includes(raw as T)) throw new ConfigError(`${name}=${raw} is not valid: use ${values.join(' or ')}.`);
  return raw as T;
}

/** `https://shop.example, http://localhost:5173`, or `*`: origins as browsers send them (no path, no trailing slash). */
function corsOrigins(raw: string | undefined): string[] | '*' | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const list = raw.split(',').map((o) => o.trim()).filter(Boolean);
  if (list.includes('*')) {
    if (list.length > 1) throw new ConfigError(`ORDO_CORS_ORIGINS=${raw} is not valid: "*" (any origin) cannot be combined with a list; give either * or the origins.`);
    return '*';
  }
  for (const o of list) {
    if (!/^https?:\/\/[^\s/?#]+$/i.test(o)) {
      throw new ConfigError(`ORDO_CORS_ORIGINS: "${o}" is not an origin: write scheme://host[:port] as the browser sends it, such as https://shop.example or http://localhost:5173 (no path, no trailing slash), separated by commas; or * for any origin.`);
    }
  }
  return list.map((o) => o.toLowerCase());
}

function smtpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^smtps?:\/\//.test(raw)) throw new ConfigError('SMTP_URL must start with smtp:// or smtps://, or be left unset to write mails as .eml files in the data folder.');
  return raw;
}

function otlpEndpoint(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT=${raw} is not valid: give the OTLP/HTTP base URL of the collector, such as http://localhost:4318, or leave it unset for no traces.`);
  return raw;
}

function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new ConfigError(`ORDO_PUBLIC_URL=${raw} is not valid: give the base URL clients reach this engine at, such as https://api.example.com.`);
  return raw.replace(/\/+$/, '');
}

function resetUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new ConfigError(`ORDO_PASSWORD_RESET_URL=${raw} is not valid: give the storefront page that sets a new password, such as https://shop.example/reset-password.`);
  return raw;
}

/** Named subnets express's `trust proxy` (proxy-addr) knows. */
const PROXY_SUBNETS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * ORDO_TRUST_PROXY: unset, `false` or `0` → false; `1`…`10` → that many proxies; else a comma list of
 * addresses, CIDR subnets or named subnets. `true` (trust every hop) is refused: any client could then
 * name its own address in X-Forwarded-For and escape the per-IP limits.
 */
function trustProxy(raw: string | undefined): false | number | string[] {
  const value = (raw ?? '').trim();
  if (value === '' || ['false', 'no', '0'].includes(value.toLowerCase())) return false;
  const help = 'give the number of proxies in front of the engine (1 for one load balancer), or their addresses, such as loopback, 10.0.0.0/8, 192.168.1.10 (comma separated), or false';
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n > 10) throw new ConfigError(`ORDO_TRUST_PROXY=${raw} is not valid: ${help}.`);
    return n;
  }
  if (['true', 'yes'].includes(value.toLowerCase())) {
    throw new ConfigError(`ORDO_TRUST_PROXY=${raw} would trust any X-Forwarded-For a client sends (and let it choose its own address for the per-IP limits): ${help}.`);
  }
  const list = value.split(',').map((a) => a.trim()).filter(Boolean);
  for (const item of list) {
    if (PROXY_SUBNETS.includes(item)) continue;
    const [address, bits, ...rest] = item.split('/');
    const family = isIP(address);
    const maskOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!family || rest.length || !maskOk) throw new ConfigError(`ORDO_TRUST_PROXY: "${item}" is not an address or subnet: ${help}.`);
  }
  return list;
}

export function loadConfig(env: Env = process.env, role: 'all' | 'api' | 'worker' = 'all'): OrdoConfig {
  const nodeEnv = (env.NODE_ENV ?? 'development') as OrdoConfig['env'];
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV=${env.NODE_ENV} is not valid: use development, production or test.`);
  }
  const dataDir = resolve(env.ORDO_DATA_DIR || './data');
  const url = env.DATABASE_URL || undefined;
  let kind: DatabaseKind = 'sqlite';
  if (url) {
    if (/^postgres(ql)?:\/\//.test(url)) kind = 'postgresql';
    else throw new ConfigError(`DATABASE_URL must start with postgres:// (PostgreSQL), or be left unset for the embedded SQLite file in ORDO_DATA_DIR.`);
  }
  const readUrl = env.DATABASE_READ_URL || undefined;
  if (readUrl && (kind !== 'postgresql' || !/^postgres(ql)?:\/\//.test(readUrl))) {
    throw new ConfigError('DATABASE_READ_URL is a PostgreSQL read replica (postgres://…) of DATABASE_URL: set DATABASE_URL to the primary, or leave DATABASE_READ_URL unset.');
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, or be left unset for the in-process queue and pub/sub.`);
  }
  const adminApiKey = env.ADMIN_API_KEY || undefined;
  if (adminApiKey !== undefined && adminApiKey.length < 16) {
    throw new ConfigError('ADMIN_API_KEY is too short: use at least 16 characters (for example `openssl rand -hex 24`).');
  }
  if (nodeEnv === 'production' && !adminApiKey && role !== 'worker') {
    throw new ConfigError('NODE_ENV=production needs ADMIN_API_KEY: set it to a long random string; it becomes the superadmin key.');
  }
  const secret = env.ORDO_SECRET || undefined;
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('ORDO_SECRET is too short: use at least 32 characters, or leave it unset to have one generated and kept in the database.');
  }
  const metricsToken = env.ORDO_METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('ORDO_METRICS_TOKEN is too short: use at least 16 characters (for example `openssl rand -hex 24`), or leave it unset.');
  }
  return {
    env: nodeEnv,
    port: int(env, 'PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    database: {
      kind,
      url,
      ...(readUrl ? { readUrl } : {}),
      sqlitePath: resolve(dataDir, env.ORDO_SQLITE_FILE || 'ordo.sqlite'),
      poolSize: int(env, 'DATABASE_POOL_SIZE', 20, 1, 500),
      // Off behind a pooler that hands a connection to another client between transactions (PgBouncer in
      // transaction mode): a statement prepared on a connection would not be there on the next one.
      prepare: bool(env, 'DATABASE_PREPARE', true),
    },
    dataDir,
    redisUrl,
    redisPrefix: env.ORDO_REDIS_PREFIX || 'ordo',
    adminApiKey,
    secret,
    runApi: role !== 'worker',
    runWorkers: role === 'worker' || (role === 'all' && !bool(env, 'ORDO_DISABLE_WORKERS', false)),
    seedDemo: nodeEnv !== 'production' && bool(env, 'ORDO_SEED_DEMO', true),
    migrateOnStart: bool(env, 'ORDO_MIGRATE_ON_START', nodeEnv !== 'production'),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'warn' : 'info'),
    outboxRetryMs: int(env, 'ORDO_OUTBOX_RETRY_MS', 30_000, 100, 86_400_000),
    referenceCacheMs: int(env, 'ORDO_REFERENCE_CACHE_MS', 2_000, 0, 3_600_000),
    rateCacheMs: int(env, 'ORDO_RATE_CACHE_MS', 900_000, 0, 86_400_000),
    maxQueryDepth: int(env, 'ORDO_MAX_QUERY_DEPTH', 12, 2, 100),
    maxQueryCost: int(env, 'ORDO_MAX_QUERY_COST', 20_000, 10, 10_000_000),
    maxAliases: int(env, 'ORDO_MAX_ALIASES', 30, 0, 100_000),
    maxDirectives: int(env, 'ORDO_MAX_DIRECTIVES', 50, 0, 100_000),
    maxTokens: int(env, 'ORDO_MAX_TOKENS', 5_000, 200, 1_000_000),
    introspection: bool(env, 'ORDO_INTROSPECTION', true),
    compiledExecution: bool(env, 'ORDO_COMPILED_EXECUTION', true),
    compileAfter: int(env, 'ORDO_COMPILE_AFTER', 2, 0, 1_000_000),
    compileMsPerSecond: int(env, 'ORDO_COMPILE_MS_PER_SECOND', 50, 1, 1_000_000),
    wsKeepAliveMs: int(env, 'ORDO_WS_KEEPALIVE_MS', 12_000, 0, 3_600_000),
    corsOrigins: corsOrigins(env.ORDO_CORS_ORIGINS),
    apqTtlSeconds: int(env, 'ORDO_APQ_TTL_SECONDS', 86_400, 1, 365 * 86_400),
    customerSessionDays: int(env, 'ORDO_SESSION_DAYS', 30, 1, 365),
    loginLimitPerEmail: int(env, 'ORDO_LOGIN_LIMIT_PER_EMAIL', 5, 1, 1_000_000),
    loginLimitPerIp: int(env, 'ORDO_LOGIN_LIMIT_PER_IP', 20, 1, 1_000_000),
    loginWindowSeconds: int(env, 'ORDO_LOGIN_WINDOW_SECONDS', 900, 1, 86_400),
    placeOrderRate: int(env, 'ORDO_PLACE_ORDER_RATE', 0, 0, 1_000_000),
    quoteOrderRate: int(env, 'ORDO_QUOTE_ORDER_RATE', 0, 0, 1_000_000),
    debugSqlCount: bool(env, 'ORDO_DEBUG_SQL', false),
    plainSql: bool(env, 'ORDO_PLAIN_SQL', true),
    otelEndpoint: otlpEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT),
    otelServiceName: env.OTEL_SERVICE_NAME || (role === 'worker' ? 'ordo-worker' : 'ordo'),
    publicUrl: publicUrl(env.ORDO_PUBLIC_URL),
    passwordResetUrl: resetUrl(env.ORDO_PASSWORD_RESET_URL),
    documentLinkSeconds: int(env, 'ORDO_DOCUMENT_LINK_SECONDS', 7 * 86_400, 10, 365 * 86_400),
    queueConcurrency: int(env, 'ORDO_QUEUE_CONCURRENCY', 8, 1, 256),
    queueLockMs: int(env, 'ORDO_QUEUE_LOCK_MS', 30_000, 1_000, 600_000),
    eventGroupSize: int(env, 'ORDO_EVENT_GROUP_SIZE', 16, 1, 200),
    placeBatchMax: int(env, 'ORDO_PLACE_BATCH', 16, 1, 64),
    unpaidOrderTtlMs: int(env, 'ORDO_UNPAID_ORDER_TTL_MS', 3 * 86_400_000, 1_000, 365 * 86_400_000),
    stuckShipmentMs: int(env, 'ORDO_STUCK_SHIPMENT_MS', 2 * 86_400_000, 1_000, 365 * 86_400_000),
    housekeepingEveryMs: int(env, 'ORDO_HOUSEKEEPING_EVERY_MS', 15 * 60_000, 200, 86_400_000),
    channelPollMs: int(env, 'ORDO_CHANNEL_POLL_MS', 60_000, 200, 86_400_000),
    checkoutHoldSweepMs: int(env, 'ORDO_CHECKOUT_HOLD_SWEEP_MS', 15_000, 200, 3_600_000),
    channelBackoffMs: int(env, 'ORDO_CHANNEL_BACKOFF_MS', 1_000, 10, 300_000),
    subscriptionRecheckMs: int(env, 'ORDO_SUBSCRIPTION_RECHECK_MS', 30_000, 50, 86_400_000),
    smtpUrl: smtpUrl(env.SMTP_URL),
    notifyEmailFrom: env.NOTIFY_EMAIL_FROM || undefined,
    notifySmsFrom: env.NOTIFY_SMS_FROM || undefined,
    captureAttempts: int(env, 'ORDO_CAPTURE_ATTEMPTS', 5, 1, 50),
    captureBackoffMs: int(env, 'ORDO_CAPTURE_BACKOFF_MS', 1_000, 10, 3_600_000),
    refundAttempts: int(env, 'ORDO_REFUND_ATTEMPTS', 8, 1, 50),
    refundBackoffMs: int(env, 'ORDO_REFUND_BACKOFF_MS', 1_000, 10, 3_600_000),
    invoiceOn: oneOf(env, 'ORDO_INVOICE_ON', ['capture', 'shipment'] as const, 'capture'),
    returnWindowDays: int(env, 'ORDO_RETURN_WINDOW_DAYS', 30, 0, 3650),
    pickupWindowDays: int(env, 'ORDO_PICKUP_WINDOW_DAYS', 7, 1, 365),
    replenishment: {
      windowDays: int(env, 'ORDO_REPLENISHMENT_WINDOW_DAYS', 30, 1, 730),
      safetyDays: int(env, 'ORDO_REPLENISHMENT_SAFETY_DAYS', 0, 0, 365),
      coverDays: int(env, 'ORDO_REPLENISHMENT_COVER_DAYS', 14, 1, 365),
    },
    defaultCapturePolicy: oneOf(env, 'ORDO_CAPTURE_POLICY', ['ON_PLACEMENT', 'ON_FIRST_SHIPMENT', 'PER_SHIPMENT'] as const, 'ON_FIRST_SHIPMENT'),
    metricsToken,
    metricsPort: optionalInt(env, 'ORDO_METRICS_PORT', 0, 65535),
    metricsHost: env.ORDO_METRICS_HOST || '127.0.0.1',
    workerPort: optionalInt(env, 'ORDO_WORKER_PORT', 0, 65535),
    trustProxy: trustProxy(env.ORDO_TRUST_PROXY),
  };
}
