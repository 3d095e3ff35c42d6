// What a running engine holds: configuration, ORM, queue, pub/sub, outbox relay, modules and their
// services. One per process; requests and jobs get forked EntityManagers from it.
import type { OrdoConfig } from '../config.js';
import type { Orm } from './db/orm.js';
import type { Logger } from './logger.js';
import type { OrdoModule } from './module.js';
import type { QueueDriver } from './queue/queue.js';
import type { OrdoPubSub } from './pubsub.js';
import type { OutboxRelay } from './outbox/outbox-relay.js';
import type { EventBus } from './outbox/event-bus.js';
import type { Machines } from './state-machine.js';
import type { Metrics } from './metrics.js';

export interface AppRuntime {
  config: OrdoConfig;
  orm: Orm;
  log: Logger;
  queue: QueueDriver;
  pubsub: OrdoPubSub;
  relay: OutboxRelay;
  events: EventBus;
  modules: OrdoModule[];
  /** This engine's state machines with its modules' guards: `app.machines.get(orderMachine).transition(…)`. */
  machines: Machines;
  /** The secret for derived tokens and signed links (config, or generated and kept in the database). */
  secret: string;
  /** This engine's Prometheus registry and the metrics code counts on (kernel/metrics.ts). */
  metrics: Metrics;
  /** True when Redis answers (always true without REDIS_URL). */
  redisReady(): Promise<boolean>;
  /** One instance of a service class per engine; services take the runtime in their constructor. */
  service<T>(cls: new (app: AppRuntime) => T): T;
}

export function serviceRegistry(app: () => AppRuntime) {
  const instances = new Map<Function, unknown>();
  return function service<T>(cls: new (app: AppRuntime) => T): T {
    let s = instances.get(cls) as T | undefined;
    if (!s) instances.set(cls, (s = new cls(app())));
    return s;
  };
}
