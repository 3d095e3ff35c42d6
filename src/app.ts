// Composition root: configuration + modules + plugins → ORM, queue, pub/sub, outbox, schema, server.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, type OrdoConfig } from './config.js';
import { coreModules } from './modules.js';
import { openDatabase, type Em, type Orm } from './kernel/db/orm.js';
import { migrate, pendingMigrations } from './kernel/db/migrate.js';
import { measured } from './kernel/db/sql-counter.js';
import { AuditEntry } from './kernel/audit/audit-entry.entity.js';
import { createLogger, type Logger } from './kernel/logger.js';
import { orderModules, type OrdoModule, type JobDefinition } from './kernel/module.js';
import { InProcessQueue } from './kernel/queue/in-process-queue.js';
import { redisClient } from './kernel/redis-client.js';
import type { QueueDriver } from './kernel/queue/queue.js';
import { createOrdoPubSub } from './kernel/pubsub.js';
import { EventBus } from './kernel/outbox/event-bus.js';
import { EVENTS_QUEUE, OutboxRelay } from './kernel/outbox/outbox-relay.js';
import { queueNames } from './kernel/queue/queue-names.js';
import { OutboxEvent } from './kernel/outbox/outbox-event.entity.js';
import { IdempotencyRecord } from './kernel/idempotency-record.entity.js';
import { serviceRegistry, type AppRuntime } from './kernel/runtime.js';
import { buildMachines } from './kernel/state-machine.js';
import { createHttpServer, type HttpServer } from './kernel/http.js';
import { Metrics } from './kernel/metrics.js';
import { metricsServer, type SmallServer } from './kernel/metrics-endpoint.js';
import { workerHealthServer } from './kernel/worker-health.js';
import { Setting } from './kernel/setting.entity.js';
import { buildOrdoSchema } from './schema.js';
import { TokenService } from './auth/token.service.js';
import { migrationsFor } from '../migrations/index.js';
import { seedDemo } from './demo/seed.js';
import { checkProviders, installProviders, providerKindsOf, type ProviderSet } from './kernel/providers.js';

export interface Engine {
  app: AppRuntime;
  schema: GraphQLSchema;
  http?: HttpServer;
  port?: number;
  /** A worker's /health, /ready and /metrics port (ORDO_WORKER_PORT), when it serves one. */
  workerPort?: number;
  /** The separate /metrics port (ORDO_METRICS_PORT), when set. */
  metricsPort?: number;
  /** Printed once on the first development start: the admin key that was just created. */
  devAdminKey?: string | null;
  stop(): Promise<void>;
}

export interface EngineOptions {
  plugins?: OrdoModule[];
  /** The config file's providers (`{ payment: [...], ... }`); they win over the plugins' own. */
  providers?: object;
  log?: Logger;
  /** Listen on config.port (true for `npm start`; tests may build an engine without a server). */
  listen?: boolean;
}

export const KERNEL_ENTITIES = [OutboxEvent, Setting, IdempotencyRecord, AuditEntry];

export async function createEngine(config: OrdoConfig, opts: EngineOptions = {}): Promise<Engine> {
  const log = opts.log ?? createLogger(config.logLevel);
  const modules = orderModules([...coreModules, ...(opts.plugins ?? [])]);
  // Checked before anything is opened: a bad provider stops the start without a half-open engine.
  const providers = providerSources(modules, opts.providers);
  // Each engine has its own machines, with the guards of its own modules (a guard on an unknown machine stops the start).
  const machines = buildMachines(modules, (message) => new ConfigError(message));
  const orm = await openEngineDatabase(config, modules, log);
  if (config.migrateOnStart) {
    const applied = await migrate(orm, config);
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
  } else {
    // Migrations are a deploy step of their own (`npm run migrate`): this code does not serve a database behind it.
    const pending = await pendingMigrations(orm, config).catch(async (e) => {
      await orm.close(true);
      throw e;
    });
    if (pending.length) {
      await orm.close(true);
      throw new ConfigError(
        `the database lacks ${pending.length} migration(s) this code needs (${listed(pending)}) and ORDO_MIGRATE_ON_START is false: run \`npm run migrate\` first (or set ORDO_MIGRATE_ON_START=true).`,
      );
    }
  }

  const queue: QueueDriver = config.redisUrl
    // Loaded only with REDIS_URL: bullmq and ioredis are a tenth of an idle engine's memory (lazy-require.ts).
    ? new (await import('./kernel/queue/bullmq-queue.js')).BullQueue(config.redisUrl, config.redisPrefix, log, config.queueLockMs)
    : new InProcessQueue();
  const pubsub = createOrdoPubSub(config.redisUrl, config.redisPrefix, (err) => log.warn({ err: err.message }, 'redis (pub/sub) connection error'));
  const events = new EventBus();
  events.register(modules);
  const probe = config.redisUrl ? redisClient(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 }) : null;
  probe?.on('error', () => {}); // /ready reports it (redisReady below); ioredis reconnects by itself

  let app!: AppRuntime;
  const secret = config.secret ?? (await storedSecret(orm));
  app = {
    config, orm, log, queue, pubsub, events, modules, secret, machines,
    metrics: new Metrics(),
    relay: undefined as unknown as OutboxRelay,
    service: serviceRegistry(() => app),
    redisReady: async () => {
      if (!probe) return true;
      try {
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
  };
  app.relay = new OutboxRelay(app);
  // The relay runs right after every commit (the poll only catches what a crash left behind).
  orm.em.getEventManager().registerSubscriber({
    afterTransactionCommit: () => app.relay.kick(),
    afterFlush: (args) => {
      if (!args.em.isInTransaction()) app.relay.kick();
    },
  });

  installProviders(app, providers, providerKindsOf(modules));
  for (const m of modules) await m.onStart?.(app);
  const devAdminKey = await app.service(TokenService).bootstrap(orm.em.fork() as Em);
  if (config.seedDemo) await seedDemo(app);

  // The relay runs wherever changes are made; workers consume the queues.
  app.relay.start();
  const stopWorkers = config.runWorkers ? startWorkers(app, modules) : () => {};
  app.metrics.observe({ queue, queues: () => queueNames(modules), orm, database: config.database.kind, log });
  if (!config.runWorkers && queue.kind === 'in-process') {
    // Nothing else can reach an in-process queue: its jobs wait here until a process with workers on the
    // same database republishes the unprocessed events (its outbox sweeper).
    log.warn('workers are off and REDIS_URL is unset: this process runs no jobs; start a worker process (and set REDIS_URL for both)');
  }

  const schema = await buildOrdoSchema(modules, pubsub);
  let http: HttpServer | undefined;
  let port: number | undefined;
  if (config.runApi && opts.listen !== false) {
    http = await createHttpServer(app, schema, (em, auth) => app.service(TokenService).principal(em, auth));
    port = await http.listen(config.port, config.host);
  }
  // A worker has no API: its probes and metrics get a small server of their own, when asked for.
  const workerOps = !config.runApi && config.workerPort !== undefined ? await workerHealthServer(app, app.metrics, config.workerPort, config.host) : undefined;
  const metricsOps = config.metricsPort !== undefined ? await metricsServer(app.metrics, config.metricsPort, config.metricsHost, log) : undefined;
  const ops = [workerOps, metricsOps].filter((s): s is SmallServer => !!s);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await http?.close();
      await Promise.all(ops.map((s) => s.close()));
      stopWorkers();
      await app.relay.stop();
      await queue.close();
      await app.events.flushAcks();
      for (const m of [...modules].reverse()) await m.onStop?.(app).catch(() => {});
      await pubsub.close();
      probe?.disconnect();
      await orm.close(true);
    })());

  return { app, schema, http, port, workerPort: workerOps?.port, metricsPort: metricsOps?.port, devAdminKey, stop };
}

/**
 * `npm run migrate`'s work (src/migrate.ts): opens the database of the core and `plugins`, applies their
 * pending migrations under the migration lock and closes it; the names applied.
 */
export async function migrateDatabase(config: OrdoConfig, plugins: OrdoModule[], log: Logger): Promise<string[]> {
  const orm = await openEngineDatabase(config, orderModules([...coreModules, ...plugins]), log);
  try {
    return await migrate(orm, config);
  } finally {
    await orm.close(true);
  }
}

/** The engine's database: the kernel's and the modules' entities, the core migrations and the modules' own (plugins). */
export async function openEngineDatabase(config: OrdoConfig, modules: OrdoModule[], log: Logger): Promise<Orm> {
  const entities = [...KERNEL_ENTITIES, ...modules.flatMap((m) => m.entities ?? [])];
  const migrations = [...migrationsFor(config.database.kind), ...modules.flatMap((m) => m.migrations?.[config.database.kind] ?? [])];
  return openDatabase(config, { entities, migrations, log });
}

function listed(names: string[], max = 10): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * The providers to install: the modules' (in module order) first, then the config file's, so that the
 * deployment's own choice wins. Each is checked against the kinds the modules declare, before anything
 * is opened: a bad provider stops the start with the key named.
 */
function providerSources(modules: OrdoModule[], fromConfig: object | undefined): ProviderSet[] {
  const kinds = providerKindsOf(modules);
  const sources = modules.filter((m) => m.providers).map((m) => checkProviders(m.providers, `module ${m.name}: providers`, kinds));
  if (fromConfig) sources.push(checkProviders(fromConfig, 'ordo.config: providers', kinds));
  return sources;
}

/** The deployment's queues (kernel/queue/queue-names.ts), for tests and tools that open them. */
export { queueNames };

/**
 * With ORDO_DEBUG_SQL=1, each job's SQL statements and time are logged at debug level (LOG_LEVEL=debug):
 * what a job costs, the way x-ordo-count-sql shows it for a request.
 */
function measuredJobs(app: AppRuntime): <T>(name: string, run: () => Promise<T>) => Promise<T> {
  if (!app.config.debugSqlCount) return (_name, run) => run();
  return (name, run) => measured(run, (statements, ms) => app.log.debug({ job: name, statements, ms }, 'job finished'));
}

/** Starts this process's workers; returns what stops the rescheduling timer. */
function startWorkers(app: AppRuntime, modules: OrdoModule[]): () => void {
  const concurrency = app.config.queueConcurrency;
  const measured = measuredJobs(app);
  const timed = app.metrics.timeJob.bind(app.metrics);
  // The events queue's durations are per event, by its type, whether it ran alone or in a group.
  app.queue.work(EVENTS_QUEUE, (job) => measured(`event ${job.name}`, () => app.events.dispatch(app, job, (type, run) => timed(EVENTS_QUEUE, type, run))), concurrency);
  const byQueue = new Map<string, Map<string, JobDefinition>>();
  for (const m of modules) {
    for (const [name, def] of Object.entries(m.jobs ?? {})) {
      const d: JobDefinition = typeof def === 'function' ? { handler: def } : def;
      const q = d.queue ?? 'default';
      if (!byQueue.has(q)) byQueue.set(q, new Map());
      byQueue.get(q)!.set(name, d);
    }
  }
  for (const [q, defs] of byQueue) {
    app.queue.work(q, async (job) => {
      const def = defs.get(job.name);
      if (!def) throw new Error(`no handler for job ${job.name} on queue ${q}`);
      return timed(q, job.name, () => measured(job.name, () => def.handler(job.data, { app, em: app.orm.em.fork(), log: app.log.child({ job: job.name, jobId: job.id }), attempt: job.attempt })));
    }, concurrency);
  }
  const schedule = () => {
    for (const m of modules) {
      for (const [name, r] of Object.entries(m.repeatable ?? {})) {
        const q = r.queue ?? 'housekeeping';
        if (!byQueue.get(q)?.has(name)) throw new Error(`module ${m.name}: repeatable job ${name} has no handler in jobs on queue ${q}`);
        const every = typeof r.everyMs === 'function' ? r.everyMs(app.config) : r.everyMs;
        void app.queue.repeat(q, name, every).catch((err) => app.log.warn({ err, job: name }, 'could not schedule a repeatable job'));
      }
    }
  };
  schedule();
  // Schedules live in Redis: scheduling again now and then (idempotent) brings them back after a flush.
  const again = setInterval(schedule, Math.max(1_000, app.config.outboxRetryMs));
  again.unref();
  return () => clearInterval(again);
}

/** Without ORDO_SECRET, one random secret is made on first start and kept in the database for every process. */
async function storedSecret(orm: Orm): Promise<string> {
  const em = orm.em.fork() as Em;
  const candidate = randomBytes(32).toString('base64url');
  await em.execute('INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', ['secret', candidate]);
  const [row] = await em.execute('SELECT value FROM setting WHERE key = ?', ['secret']);
  return row.value as string;
}
