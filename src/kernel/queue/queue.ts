// The queue seen by job code. Two drivers with the same semantics: BullMQ on Redis (many processes)
// and an in-process one (a single node, nothing to install). A job id makes an add idempotent while
// the job is kept; handlers are idempotent anyway, since a job can run more than once.

export interface JobOptions {
  /** Jobs with the same id are added once while the first is kept. No ':' and not a bare integer (BullMQ). */
  jobId?: string;
  attempts?: number;
  /** First retry delay; doubles on every further attempt. */
  backoffMs?: number;
  delayMs?: number;
  /**
   * The W3C traceparent the job's span is a child of (tracing on: kernel/tracing.ts). Unset: the context
   * active where the job is added (a job a job adds follows it); the outbox relay passes the event's.
   */
  traceParent?: string | null;
}

export interface BulkJob {
  name: string;
  data: unknown;
  opts?: JobOptions;
}

export interface QueueJob {
  id: string;
  name: string;
  data: any;
  /** 1 on the first run. */
  attempt: number;
}

export interface FailedJob {
  queue: string;
  id: string;
  name: string;
  data: unknown;
  attempts: number;
  error: string;
  failedAt: Date;
}

export type QueueHandler = (job: QueueJob) => Promise<unknown>;

/** Jobs of one queue by state (metrics): retries waiting out their backoff are delayed. */
export interface JobCounts {
  waiting: number;
  active: number;
  failed: number;
  completed: number;
  delayed: number;
}

export interface QueueDriver {
  readonly kind: 'bullmq' | 'in-process';
  add(queue: string, name: string, data: unknown, opts?: JobOptions): Promise<void>;
  /** Several jobs of one queue in one round trip (the outbox relay's batch), with the same semantics as `add`. */
  addBulk(queue: string, jobs: BulkJob[]): Promise<void>;
  /** Starts consuming a queue in this process. */
  work(queue: string, handler: QueueHandler, concurrency: number): void;
  /** Adds job `name` every `everyMs`, once per deployment however many processes ask (housekeeping). */
  repeat(queue: string, name: string, everyMs: number): Promise<void>;
  failed(queue: string): Promise<FailedJob[]>;
  retry(queue: string, jobId: string): Promise<boolean>;
  /**
   * Jobs not finished yet: waiting, running, or delayed (a retry's backoff), in every queue this process
   * knows; a repeatable job's next run does not count. With `added` (jobs this process has added so far,
   * never decreasing), it tells that nothing is left to do: tests wait on it instead of sleeping.
   */
  pending(): Promise<number>;
  /** The jobs of `queue` by state, as this driver keeps them (completed ones while they are kept). */
  counts(queue: string): Promise<JobCounts>;
  readonly added: number;
  /** Stops taking new jobs, waits for running ones, closes connections. */
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 8;
export const DEFAULT_BACKOFF_MS = 500;

export function backoffDelay(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
