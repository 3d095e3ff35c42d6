// In-process queue for a single node: the same contract as BullMQ (job ids, retries with exponential
// backoff, a failed set), kept in memory. Durability comes from the outbox, which republishes what a
// crashed process never acknowledged.
import {
  backoffDelay, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS,
  type BulkJob, type FailedJob, type JobCounts, type JobOptions, type QueueDriver, type QueueHandler,
} from './queue.js';
import { currentTraceParent, inJobSpan } from '../tracing.js';

interface Entry {
  id: string;
  name: string;
  data: unknown;
  attempts: number;
  backoffMs: number;
  made: number;
  state: 'waiting' | 'active' | 'done' | 'failed';
  error?: string;
  failedAt?: Date;
  traceParent: string | null;
}

interface Lane {
  waiting: Entry[];
  jobs: Map<string, Entry>;
  handler?: QueueHandler;
  concurrency: number;
  running: number;
  /** How many of `jobs` are done (what prune may drop). */
  done: number;
}

const KEEP_DONE = 10_000;

export class InProcessQueue implements QueueDriver {
  readonly kind = 'in-process' as const;
  private lanes = new Map<string, Lane>();
  private timers = new Set<NodeJS.Timeout>();
  private intervals: NodeJS.Timeout[] = [];
  private repeating = new Set<string>();
  private closed = false;
  private seq = 0;
  private idle: (() => void)[] = [];
  added = 0;

  private lane(queue: string): Lane {
    let l = this.lanes.get(queue);
    if (!l) this.lanes.set(queue, (l = { waiting: [], jobs: new Map(), concurrency: 1, running: 0, done: 0 }));
    return l;
  }

  async add(queue: string, name: string, data: unknown, opts: JobOptions = {}): Promise<void> {
    if (this.closed) return;
    const lane = this.lane(queue);
    const id = opts.jobId ?? `job-${++this.seq}`;
    if (lane.jobs.has(id)) return;
    const entry: Entry = {
      id, name, data, made: 0, state: 'waiting',
      attempts: opts.attempts ?? DEFAULT_ATTEMPTS, backoffMs: opts.backoffMs ?? DEFAULT_BACKOFF_MS,
      traceParent: opts.traceParent ?? currentTraceParent(),
    };
    lane.jobs.set(id, entry);
    this.added++;
    this.prune(lane);
    if (opts.delayMs) this.later(() => this.enqueue(queue, entry), opts.delayMs);
    else this.enqueue(queue, entry);
  }

  async addBulk(queue: string, jobs: BulkJob[]): Promise<void> {
    for (const j of jobs) await this.add(queue, j.name, j.data, j.opts);
  }

  work(queue: string, handler: QueueHandler, concurrency: number): void {
    const lane = this.lane(queue);
    lane.handler = handler;
    lane.concurrency = Math.max(1, concurrency);
    this.pump(queue);
  }

  async repeat(queue: string, name: string, everyMs: number): Promise<void> {
    const key = `${queue}/${name}`;
    if (this.repeating.has(key)) return;
    this.repeating.add(key);
    const tick = () => {
      // One job id per period: a slow run is not stacked on by the next tick.
      void this.add(queue, name, {}, { jobId: `${name}-${Math.floor(Date.now() / everyMs)}`, attempts: 1 });
    };
    const t = setInterval(tick, everyMs);
    t.unref?.();
    this.intervals.push(t);
  }

  async failed(queue: string): Promise<FailedJob[]> {
    return [...this.lane(queue).jobs.values()]
      .filter((e) => e.state === 'failed')
      .map((e) => ({ queue, id: e.id, name: e.name, data: e.data, attempts: e.made, error: e.error ?? '', failedAt: e.failedAt! }));
  }

  async retry(queue: string, jobId: string): Promise<boolean> {
    const e = this.lane(queue).jobs.get(jobId);
    if (!e || e.state !== 'failed') return false;
    e.made = 0;
    this.enqueue(queue, e);
    return true;
  }

  async pending(): Promise<number> {
    let n = 0;
    for (const lane of this.lanes.values()) for (const e of lane.jobs.values()) if (e.state === 'waiting' || e.state === 'active') n++;
    return n;
  }

  async counts(queue: string): Promise<JobCounts> {
    const lane = this.lanes.get(queue);
    const c: JobCounts = { waiting: 0, active: 0, failed: 0, completed: 0, delayed: 0 };
    if (!lane) return c;
    for (const e of lane.jobs.values()) {
      if (e.state === 'active') c.active++;
      else if (e.state === 'failed') c.failed++;
      else if (e.state === 'done') c.completed++;
      else c.waiting++;
    }
    // A waiting job not in line yet waits out a delay or a retry's backoff.
    c.delayed = c.waiting - lane.waiting.length;
    c.waiting = lane.waiting.length;
    return c;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.intervals.forEach(clearInterval);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const busy = () => [...this.lanes.values()].some((l) => l.running > 0);
    while (busy()) await new Promise<void>((r) => this.idle.push(r));
  }

  private enqueue(queue: string, entry: Entry): void {
    entry.state = 'waiting';
    this.lane(queue).waiting.push(entry);
    this.pump(queue);
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  private pump(queue: string): void {
    const lane = this.lane(queue);
    while (!this.closed && lane.handler && lane.running < lane.concurrency && lane.waiting.length) {
      const entry = lane.waiting.shift()!;
      lane.running++;
      entry.state = 'active';
      entry.made++;
      // setImmediate: a job never runs inside the caller's stack (the outbox relay's, for instance).
      setImmediate(() => void this.run(queue, lane, entry));
    }
  }

  private async run(queue: string, lane: Lane, entry: Entry): Promise<void> {
    try {
      const job = { id: entry.id, name: entry.name, data: entry.data, attempt: entry.made };
      await inJobSpan('in-process', queue, job, entry.traceParent, () => lane.handler!(job));
      entry.state = 'done';
      lane.done++;
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      if (entry.made < entry.attempts && !this.closed) {
        entry.state = 'waiting';
        this.later(() => this.enqueue(queue, entry), backoffDelay(entry.made, entry.backoffMs));
      } else {
        entry.state = 'failed';
        entry.failedAt = new Date();
      }
    } finally {
      lane.running--;
      if (lane.running === 0) this.idle.splice(0).forEach((r) => r());
      this.pump(queue);
    }
  }

  /** Keeps finished jobs (for id de-duplication) up to a bound, oldest dropped first. */
  private prune(lane: Lane): void {
    // Nothing done, nothing to drop: no walk over jobs that only wait (a process without workers).
    if (lane.jobs.size <= KEEP_DONE || lane.done === 0) return;
    for (const [id, e] of lane.jobs) {
      if (lane.jobs.size <= KEEP_DONE || lane.done === 0) break;
      if (e.state === 'done') {
        lane.jobs.delete(id);
        lane.done--;
      }
    }
  }
}
