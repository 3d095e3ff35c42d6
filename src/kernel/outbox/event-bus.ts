// Runs the domain-event handlers that modules and plugins register, inside a job per event.
import type { AppRuntime } from '../runtime.js';
import type { DomainEvent, EventHandler, OrdoModule } from '../module.js';
import type { Em } from '../db/orm.js';
import type { QueueJob } from '../queue/queue.js';

export class EventBus {
  private handlers = new Map<string, { module: string; fn: EventHandler }[]>();

  register(modules: OrdoModule[]): void {
    for (const m of modules) {
      for (const [type, h] of Object.entries(m.on ?? {})) {
        const list = this.handlers.get(type) ?? [];
        for (const fn of Array.isArray(h) ? h : [h]) list.push({ module: m.name, fn });
        this.handlers.set(type, list);
      }
    }
  }

  handles(type: string): boolean {
    return (this.handlers.get(type)?.length ?? 0) > 0 || (this.handlers.get('*')?.length ?? 0) > 0;
  }

  /** The job: every handler for the event, in module order; then the event is acknowledged. */
  async dispatch(app: AppRuntime, job: QueueJob): Promise<void> {
    const event = { ...(job.data as DomainEvent), at: new Date((job.data as DomainEvent).at) };
    const list = [...(this.handlers.get(event.type) ?? []), ...(this.handlers.get('*') ?? [])];
    for (const { module, fn } of list) {
      const em = app.orm.em.fork();
      await fn(event, { app, em, log: app.log.child({ module, event: event.type, eventId: event.id }), attempt: job.attempt });
    }
    const em = app.orm.em.fork() as Em;
    await em.execute('UPDATE outbox_event SET processed_at_ms = ? WHERE id = ?', [Date.now(), event.id], 'run');
  }
}
