// BullMQ driver: one BullMQ queue per concern, workers in any number of processes.
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import {
  DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS,
  type BulkJob, type FailedJob, type JobCounts, type JobOptions, type QueueDriver, type QueueHandler,
} from './queue.js';
import { currentTraceParent, inJobSpan } from '../tracing.js';

export class BullQueue implements QueueDriver {
  readonly kind = 'bullmq' as const;
  private queues = new Map<string, Queue>();
  private workers: Worker[] = [];
  private readonly connection: Redis;
  added = 0;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly log: Logger,
    /** lockDuration and stalledInterval: a dead process's jobs come back after about two of these. */
    private readonly lockMs = 30_000,
  ) {
    this.connection = new Redis(url, { maxRetriesPerRequest: null });
    this.connection.on('error', (err) => log.warn({ err: err.message }, 'redis (queue) connection error'));
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection as unknown as ConnectionOptions, prefix: this.prefix });
      q.on('error', (err) => this.log.warn({ err: err.message, queue: name }, 'queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  async add(queue: string, name: string, data: unknown, opts: JobOptions = {}): Promise<void> {
    await this.queue(queue).add(name, data, jobOptions(opts));
    this.added++;
  }

  async addBulk(queue: string, jobs: BulkJob[]): Promise<void> {
    if (!jobs.length) return;
    // One MULTI for the batch: a relay pass of 200 events is one round trip to Redis, not 200.
    await this.queue(queue).addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: jobOptions(j.opts ?? {}) })));
    this.added += jobs.length;
  }

  work(queue: string, handler: QueueHandler, concurrency: number): void {
    const worker = new Worker(
      queue,
      async (job) => {
        const run = { id: job.id!, name: job.name, data: job.data, attempt: job.attemptsMade + 1 };
        return inJobSpan('bullmq', queue, run, job.opts.telemetry?.metadata, () => handler(run));
      },
      {
        connection: new Redis(this.url, { maxRetriesPerRequest: null }) as unknown as ConnectionOptions,
        prefix: this.prefix,
        concurrency,
        lockDuration: this.lockMs,
        stalledInterval: this.lockMs,
      },
    );
    worker.on('error', (err) => this.log.warn({ err: err.message, queue }, 'worker error'));
    this.workers.push(worker);
  }

  async repeat(queue: string, name: string, everyMs: number): Promise<void> {
    // A job scheduler is one entry in Redis: every process may upsert it, BullMQ runs it once per period.
    await this.queue(queue).upsertJobScheduler(name, { every: everyMs }, { name, data: {}, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } });
  }

  async failed(queue: string): Promise<FailedJob[]> {
    const jobs = await this.queue(queue).getFailed(0, 500);
    return jobs.map((j) => ({
      queue, id: j.id!, name: j.name, data: j.data, attempts: j.attemptsMade,
      error: j.failedReason ?? '', failedAt: new Date(j.finishedOn ?? j.timestamp),
    }));
  }

  async retry(queue: string, jobId: string): Promise<boolean> {
    const job = await this.queue(queue).getJob(jobId);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed');
    return true;
  }

  async pending(): Promise<number> {
    let n = 0;
    for (const name of new Set([...this.queues.keys(), ...this.workers.map((w) => w.name)])) {
      const q = this.queue(name);
      const counts = await q.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children');
      n += Object.values(counts).reduce((a, b) => a + b, 0);
      // Delayed: retries waiting out their backoff count; the next run a job scheduler keeps there does not.
      n += (await q.getDelayed()).filter((j) => !j.repeatJobKey).length;
    }
    return n;
  }

  async counts(queue: string): Promise<JobCounts> {
    const c = await this.queue(queue).getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'failed', 'completed', 'delayed');
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
      active: c.active ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0, delayed: c.delayed ?? 0,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}

function jobOptions(opts: JobOptions) {
  return {
    jobId: opts.jobId,
    attempts: opts.attempts ?? DEFAULT_ATTEMPTS,
    backoff: { type: 'exponential', delay: opts.backoffMs ?? DEFAULT_BACKOFF_MS },
    delay: opts.delayMs,
    // Kept for a while so that a re-add with the same id (an outbox replay) is a no-op.
    removeOnComplete: { age: 3600, count: 50_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
    // BullMQ keeps its telemetry metadata with the job: here the traceparent of the job's span (tracing on).
    telemetry: traceParentOption(opts.traceParent ?? currentTraceParent()),
  };
}

const traceParentOption = (traceParent: string | null) => (traceParent ? { metadata: traceParent } : undefined);
