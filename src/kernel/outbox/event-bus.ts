// Runs the domain-event handlers that modules and plugins register, inside the events queue's jobs (an
// event or a group of them: event-group.ts).
import type { AppRuntime } from '../runtime.js';
import type { DomainEvent, EventHandler, OrdoModule } from '../module.js';
import type { Em } from '../db/orm.js';
import type { QueueJob } from '../queue/queue.js';
import { measured, sqlCounter } from '../db/sql-counter.js';
import { dialectOf } from '../db/dialect.js';
import { plainStatement } from '../db/plain-transaction.js';
import { untraced, inJobSpan } from '../tracing.js';
import { Coalescer } from '../coalescer.js';
import { EVENTS_QUEUE } from './outbox-relay.js';
import { groupRange, isGroup, type GroupData, type GroupedEvent } from './event-group.js';
import { toEvent, type EventRow } from './event-row.js';

/** Wraps the handling of each event, by its type (the job-duration metric: per event type, grouped or not). */
export type AroundEvent = (type: string, run: () => Promise<void>) => Promise<void>;

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

  /**
   * The job: for each of its events (event-group.ts), every handler in module order, then the event is
   * acknowledged. A group's events run at the same time, each in a span under its own trace; one that
   * fails fails the job once the others are acknowledged, and a retry runs only those still unprocessed.
   */
  async dispatch(app: AppRuntime, job: QueueJob, around: AroundEvent = (_type, run) => run()): Promise<void> {
    if (!isGroup(job.data)) {
      const event = job.data as DomainEvent;
      return around(event.type, () => this.handle(app, { ...event, at: new Date(event.at) }, job.attempt));
    }
    const group = job.data;
    // A first run has its events; a retry or a replay reads those still unprocessed.
    const events = group.events && job.attempt === 1 ? group.events.map((e) => ({ ...e, at: new Date(e.at) })) : await unprocessed(app, group);
    const results = await Promise.allSettled(events.map((event) =>
      inJobSpan(app.queue.kind, EVENTS_QUEUE, { id: job.id, name: event.type, attempt: job.attempt }, event.traceParent, () => around(event.type, () => this.handle(app, event, job.attempt)))));
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ id: events[i].id, err: r.reason as unknown }] : []));
    if (!failures.length) return;
    if (failures.length === 1) throw failures[0].err;
    const first = failures[0].err instanceof Error ? failures[0].err.message : String(failures[0].err);
    throw new Error(`${failures.length} events of the group failed (${failures.map((f) => f.id).join(', ')}); the first: ${first}`);
  }

  private async handle(app: AppRuntime, event: DomainEvent, attempt: number): Promise<void> {
    for (const { module, fn } of this.wanted(app, event)) {
      const em = app.orm.em.fork();
      const log = app.log.child({ module, event: event.type, eventId: event.id });
      const run = () => fn(event, { app, em, log, attempt });
      // With ORDO_DEBUG_SQL=1 (and LOG_LEVEL=debug) each handler's statements and time: which module an events job's go to.
      await (app.config.debugSqlCount
        ? measured(run, (statements, ms) => app.log.debug({ handler: `${module} ${event.type}`, statements, ms }, 'handler finished'))
        : run());
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
        // One text for any number of events (dialect.anyOf): on PostgreSQL a prepared statement, through a
        // statement of its own (plainStatement), not knex.
        const em = app.orm.em.fork() as Em;
        const any = dialectOf(em).anyOf('id', ids.map(Number));
        await plainStatement(em, `UPDATE outbox_event SET processed_at_ms = ? WHERE ${any.sql}`, [Date.now(), ...any.params], 'run');
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

/** The group's events not yet acknowledged (a retry: the others were handled by an earlier attempt; a replay). */
async function unprocessed(app: AppRuntime, group: GroupData): Promise<GroupedEvent[]> {
  const em = app.orm.em.fork() as Em;
  const { first, last } = groupRange(group.key);
  const rows: EventRow[] = await em.execute(
    `SELECT id, type, aggregate_id, payload, created_at_ms, trace_parent FROM outbox_event WHERE id BETWEEN ? AND ? AND job_key = ? AND processed_at_ms IS NULL ORDER BY id`,
    [first, last, group.key],
  );
  return rows.map((r) => ({ ...toEvent(r), traceParent: r.trace_parent }));
}
