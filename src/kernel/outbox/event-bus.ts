// Runs the domain-event handlers that modules and plugins register, inside a job per event.
import type { AppRuntime } from '../runtime.js';
import type { DomainEvent, EventHandler, OrdoModule } from '../module.js';
import type { Em } from '../db/orm.js';
import type { QueueJob } from '../queue/queue.js';
import { sqlCounter } from '../db/sql-counter.js';
import { untraced } from '../tracing.js';

/** Acknowledgements wait this long for others to share their UPDATE (one statement for many events). */
const ACK_DELAY_MS = 5;

export class EventBus {
  private handlers = new Map<string, { module: string; fn: EventHandler }[]>();
  /** The acknowledgements waiting for their shared UPDATE, and the promise their jobs wait on. */
  private batch: { ids: number[]; timer: NodeJS.Timeout; done: Promise<void>; settle: (err?: unknown) => void } | null = null;

  register(modules: OrdoModule[]): void {
    for (const m of modules) {
      for (const [type, h] of Object.entries(m.on ?? {})) {
        const list = this.handlers.get(type) ?? [];
        for (const fn of Array.isArray(h) ? h : [h]) list.push({ module: m.name, fn });
        this.handlers.set(type, list);
      }
    }
  }

  /** Whether any handler needs this event (else the relay only publishes it). */
  handles(app: AppRuntime, event: DomainEvent): boolean {
    return this.wanted(app, event).length > 0;
  }

  private wanted(app: AppRuntime, event: DomainEvent) {
    const list = [...(this.handlers.get(event.type) ?? []), ...(this.handlers.get('*') ?? [])];
    return list.filter(({ fn }) => !fn.wants || fn.wants(event, app));
  }

  /** The job: every handler for the event, in module order; then the event is acknowledged. */
  async dispatch(app: AppRuntime, job: QueueJob): Promise<void> {
    const event = { ...(job.data as DomainEvent), at: new Date((job.data as DomainEvent).at) };
    for (const { module, fn } of this.wanted(app, event)) {
      const em = app.orm.em.fork();
      await fn(event, { app, em, log: app.log.child({ module, event: event.type, eventId: event.id }), attempt: job.attempt });
    }
    await this.ack(app, event.id);
  }

  /**
   * Marks the event processed together with the others acknowledged within a few milliseconds: one
   * UPDATE for all the events jobs running at once. The job waits for it, so it completes only once its
   * event is marked (a job that completed unacknowledged would leave its event to replays that BullMQ
   * ignores, the job id being kept); a failed UPDATE fails the job, whose retry finds the work done.
   */
  private ack(app: AppRuntime, id: number): Promise<void> {
    if (!this.batch) {
      let settle!: (err?: unknown) => void;
      const done = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
      this.batch = { ids: [], done, settle, timer: setTimeout(() => void this.flushAcks(app), ACK_DELAY_MS) };
    }
    this.batch.ids.push(id);
    return this.batch.done;
  }

  /** Writes the waiting acknowledgements now (the timer's batch; at shutdown, whatever is left). */
  async flushAcks(app: AppRuntime): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    clearTimeout(batch.timer);
    try {
      // Outside the async context of the job that happened to start the timer (its trace, its SQL count).
      await untraced(() => sqlCounter.exit(async () => {
        const em = app.orm.em.fork() as Em;
        await em.execute(`UPDATE outbox_event SET processed_at_ms = ? WHERE id IN (${batch.ids.map(Number).join(',')})`, [Date.now()], 'run');
      }));
      batch.settle();
    } catch (err) {
      batch.settle(err);
    }
  }
}
