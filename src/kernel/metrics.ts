// The engine's Prometheus metrics, on a registry of its own (two engines in one process share nothing):
// what the code counts as it goes (GraphQL operations, orders placed, jobs, open subscriptions) and what
// is read when scraped (queue sizes, outbox lag, the database pool), plus the process's own (CPU, memory,
// event-loop lag) prefixed `ordo_`.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDriver } from './queue/queue.js';
import type { Orm, Em } from './db/orm.js';
import type { Logger } from './logger.js';
import type { DatabaseKind } from '../config.js';

export const JOB_STATES = ['waiting', 'active', 'failed', 'completed', 'delayed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export type OrderPlacement = 'confirmed' | 'pending' | 'insufficient_stock' | 'declined' | 'invalid';

/** Operation names are chosen by clients: past this many distinct ones, new names are counted as `other`. */
const MAX_OPERATION_NAMES = 200;

/** What a scrape waits for a queue or database answer before it leaves that metric out. */
const SCRAPE_WAIT_MS = 2_000;

export interface ScrapeSources {
  queue: QueueDriver;
  queues: () => string[];
  orm: Orm;
  database: DatabaseKind;
  log: Logger;
}

export class Metrics {
  readonly registry = new Registry();
  readonly graphqlOperations = new Counter({
    name: 'ordo_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name, kind and outcome (ok or the first error code).',
    labelNames: ['operation', 'kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'ordo_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its answer.',
    labelNames: ['operation', 'kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly ordersPlaced = new Counter({
    name: 'ordo_orders_placed_total',
    help: 'placeOrder attempts by outcome: confirmed, pending (payment to complete), insufficient_stock, declined, invalid.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly placeBatchSize = new Histogram({
    name: 'ordo_place_batch_size',
    help: 'placeOrder group commit (PostgreSQL): orders per batch, 1 for an order that ran alone; the sum counts the orders that took the batched path.',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  readonly placeBatchesPlacedAgain = new Counter({
    name: 'ordo_place_batches_placed_again_total',
    help: 'placeOrder batches of several orders that failed as a whole (a refusal, a conflict, a deadlock) and were placed again order by order.',
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'ordo_job_duration_seconds',
    help: 'Time a job ran in this process, by queue, job name and outcome (ok or failed); on the events queue, the time each event took, by its type.',
    labelNames: ['queue', 'name', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly subscriptionsOpen = new Gauge({
    name: 'ordo_subscriptions_open',
    help: 'GraphQL subscriptions (graphql-ws) open now on this process.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ordo_' });
    // Every outcome shows from the start (at 0), so that a rate over them needs no first event.
    for (const o of ['confirmed', 'pending', 'insufficient_stock', 'declined', 'invalid'] as const) this.ordersPlaced.inc({ outcome: o }, 0);
    this.placeBatchesPlacedAgain.inc(0);
  }

  private operationNames = new Set<string>();

  /** One GraphQL operation answered (HTTP or graphql-ws), with its duration when it has one. */
  operation(name: string, kind: string, outcome: string, seconds?: number): void {
    let operation = name;
    if (!this.operationNames.has(name)) {
      if (this.operationNames.size >= MAX_OPERATION_NAMES) operation = 'other';
      else this.operationNames.add(name);
    }
    this.graphqlOperations.inc({ operation, kind, outcome });
    if (seconds !== undefined) this.graphqlDuration.observe({ operation, kind }, seconds);
  }

  orderPlaced(outcome: OrderPlacement): void {
    this.ordersPlaced.inc({ outcome });
  }

  /** A placeOrder batch ran (`size` orders); `placedAgain`: it failed and its orders ran alone. */
  placementBatch(size: number, placedAgain: boolean): void {
    this.placeBatchSize.observe(size);
    if (placedAgain) this.placeBatchesPlacedAgain.inc();
  }

  /** Runs a job and observes its duration with its outcome (ok, or failed when it throws). */
  async timeJob<T>(queue: string, name: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome = 'failed';
    try {
      const r = await run();
      outcome = 'ok';
      return r;
    } finally {
      this.jobDuration.observe({ queue, name, outcome }, (performance.now() - started) / 1000);
    }
  }

  /** Registers the metrics read at scrape time from the engine's queue and database. */
  observe(src: ScrapeSources): void {
    new Gauge({
      name: 'ordo_queue_jobs',
      help: 'Jobs in each queue by state, as the queue driver counts them when scraped.',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(src.queues().map(async (queue) => {
          const counts = await within(src.queue.counts(queue)).catch((err) => {
            src.log.warn({ err: errText(err), queue }, 'metrics: queue counts unavailable');
            return null;
          });
          if (counts) for (const state of JOB_STATES) this.set({ queue, state }, counts[state]);
        }));
      },
    });
    new Gauge({
      name: 'ordo_outbox_lag_seconds',
      help: 'Age of the oldest outbox event not yet published to the queue (0 when none waits).',
      registers: [this.registry],
      async collect() {
        const em = src.orm.em.fork() as Em;
        const rows = await within(em.execute('SELECT MIN(created_at_ms) AS oldest FROM outbox_event WHERE published_at_ms IS NULL')).catch(() => null);
        if (!rows) return;
        const oldest = rows[0]?.oldest;
        this.set(oldest === null || oldest === undefined ? 0 : Math.max(0, (Date.now() - Number(oldest)) / 1000));
      },
    });
    // SQLite has no pool to speak of: nothing.
    if (src.database !== 'postgresql') return;
    new Gauge({
      name: 'ordo_db_pool_connections',
      help: 'PostgreSQL connections of this process\'s pool: used, free, and requests waiting for one (pending).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = poolOf(src.orm);
        if (!pool) return;
        this.set({ state: 'used' }, pool.numUsed());
        this.set({ state: 'free' }, pool.numFree());
        this.set({ state: 'pending' }, pool.numPendingAcquires());
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

interface KnexPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function poolOf(orm: Orm): KnexPool | undefined {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { client: { pool?: KnexPool } } }).getKnex();
  return knex.client.pool;
}

function within<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${SCRAPE_WAIT_MS} ms`)), SCRAPE_WAIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));
