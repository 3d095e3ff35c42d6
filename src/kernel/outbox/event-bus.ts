// Runs the domain-event handlers that modules and plugins register, inside a job per event.
import type { AppRuntime } from '../runtime.js';
import type { DomainEvent, EventHandler, OrdoModule } from '../module.js';
import type { Em } from '../db/orm.js';
import type { QueueJob } from '../queue/queue.js';
import { sqlCounter } from '../db/sql-counter.js';
import { untraced } from '../tracing.js';
import { Coalescer } from '../coalescer.js';

/** Acknowledgements wait this long for others to share their UPDATE (one statement for many events). */
const ACK_DELAY_MS = 5;

export class EventBus {
  private handlers = new Map<string, { module: string; fn: EventHandler }[]>();
  /** The acknowledgements waiting for their shared UPDATE. */
  private acks: Coalescer<number, void> | null = null;

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
   * UPDATE for all the events jobs running at once (kernel/coalescer.ts). The job waits for it, so it
   * completes only once its event is marked (a job that completed unacknowledged would leave its event to
   * replays that BullMQ ignores, the job id being kept); a failed UPDATE fails the job, whose retry finds
   * the work done.
   */
  private ack(app: AppRuntime, id: number): Promise<void> {
    this.acks ??= new Coalescer<number, void>(async (ids) => {
      // Outside the async context of the job that happened to start the batch (its trace, its SQL count).
      await untraced(() => sqlCounter.exit(async () => {
        const em = app.orm.em.fork() as Em;
        await em.execute(`UPDATE outbox_event SET processed_at_ms = ? WHERE id IN (${ids.map(Number).join(',')})`, [Date.now()], 'run');
      }));
      return ids.map(() => undefined);
    }, { delayMs: ACK_DELAY_MS, max: 1000 });
    return this.acks.add(id);
  }

  /** Writes the waiting acknowledgements now (at shutdown). */
  async flushAcks(): Promise<void> {
    await this.acks?.flush();
  }
}
