import type { OrdoModule } from '../module.js';
import { EVENTS_QUEUE } from '../outbox/outbox-relay.js';

/** Every queue of a deployment: the events queue and each queue a module's jobs and repeatable jobs name. */
export function queueNames(modules: readonly OrdoModule[]): string[] {
  const names = new Set([EVENTS_QUEUE]);
  for (const m of modules) {
    for (const def of Object.values(m.jobs ?? {})) names.add((typeof def === 'function' ? undefined : def.queue) ?? 'default');
    for (const r of Object.values(m.repeatable ?? {})) names.add(r.queue ?? 'housekeeping');
  }
  return [...names];
}
