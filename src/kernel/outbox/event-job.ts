// "On event X, add job Y" in one place: a domain-event handler that adds one job whose id is made from
// the event's id, so that an event handled twice (a replayed job, the sweeper republishing it) adds the
// job once. `data` reads what the job needs from the event, or says (null) that this event needs none,
// and may ask the database (ctx.em) first.
import type { DomainEvent, EventHandler, JobContext } from '../module.js';
import type { JobOptions } from '../queue/queue.js';

export function jobOnEvent<D extends object, P = Record<string, unknown>>(
  queue: string,
  name: string,
  data: (event: DomainEvent<P>, ctx: JobContext) => D | null | undefined | Promise<D | null | undefined>,
  options?: (ctx: JobContext) => Omit<JobOptions, 'jobId'>,
): EventHandler {
  return async (event, ctx) => {
    const d = await data(event as DomainEvent<P>, ctx);
    if (d) await ctx.app.queue.add(queue, name, d, { ...options?.(ctx), jobId: eventJobKey(name, event.id) });
  };
}

/** The id of the job `name` added for the event `eventId` (BullMQ job ids may not contain ':' nor be bare integers). */
export const eventJobKey = (name: string, eventId: number) => `${name}-${eventId}`;

/** The event payload's `orderId` (or another id field), when it is a string. */
export const idField = (field: string) => (event: DomainEvent) => {
  const v = (event.payload as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : null;
};
