// One shape for every domain folder and every plugin: what it brings (entities, resolvers, jobs),
// what it listens to (domain events) and where it hooks into state machines (guards).
import type { EntityManager, MigrationObject } from '@mikro-orm/core';
import type { AppRuntime } from './runtime.js';
import type { Logger } from './logger.js';
import type { MachineDefinition, TransitionGuard } from './state-machine.js';
import type { PricingStep } from './pricing.js';
import type { ProviderKind } from './providers.js';
import { ConfigError } from '../config.js';

export interface DomainEvent<P = Record<string, unknown>> {
  id: number;
  type: string;
  aggregateId?: string | null;
  payload: P;
  at: Date;
}

export interface JobContext {
  app: AppRuntime;
  /** A fresh EntityManager for this job run. */
  em: EntityManager;
  log: Logger;
  attempt: number;
}

export type EventHandler = ((event: DomainEvent, ctx: JobContext) => Promise<void>) & {
  /**
   * Which events of its type the handler needs, told from the event alone (payload, configuration). An
   * event that no handler wants is published to subscribers but never queued: no job, no acknowledgement.
   */
  wants?: (event: DomainEvent, app: AppRuntime) => boolean;
};

/** The handler, for those events of its type that `wants` accepts (the others are not even queued). */
export function onlyWhen(wants: (event: DomainEvent, app: AppRuntime) => boolean, handler: EventHandler): EventHandler {
  const h: EventHandler = (event, ctx) => handler(event, ctx);
  h.wants = handler.wants ? (e, app) => wants(e, app) && handler.wants!(e, app) : wants;
  return h;
}

/** A module's handlers from several files: handlers of one event type run one after another. */
export function mergeHandlers(...sets: Record<string, EventHandler | EventHandler[]>[]): Record<string, EventHandler[]> {
  const out: Record<string, EventHandler[]> = {};
  for (const set of sets) for (const [type, h] of Object.entries(set)) (out[type] ??= []).push(...(Array.isArray(h) ? h : [h]));
  return out;
}
export type JobHandler = (data: any, ctx: JobContext) => Promise<unknown>;

export interface JobDefinition {
  /** The queue the job runs on (one per concern, each with its own concurrency). */
  queue?: string;
  handler: JobHandler;
  attempts?: number;
}

/** A plugin's own migrations, one list per dialect; they run after the core ones, in order. Names must be unique. */
export interface PluginMigrations {
  postgresql: MigrationObject[];
  sqlite: MigrationObject[];
}

export interface OrdoModule {
  name: string;
  dependsOn?: string[];
  entities?: Function[];
  resolvers?: Function[];
  /** Job handlers by job name. */
  jobs?: Record<string, JobHandler | JobDefinition>;
  /** Domain-event handlers by event type; each runs in a job, at least once, so each must be idempotent. */
  on?: Record<string, EventHandler | EventHandler[]>;
  /** Loaders for `node(id)`, by id prefix ("ord" for ord_...). They check access themselves. */
  nodes?: Record<string, (ctx: import('./context.js').OrdoContext, id: string) => Promise<unknown>>;
  /** Steps of placeOrder's pricing: discounts asked for in PlaceOrderInput.discounts (see kernel/pricing.ts). */
  pricing?: PricingStep[];
  /**
   * Providers this plugin brings (a payment gateway, a carrier, an SMS or email transport, a document
   * store: `{ payment: [...], sms: {...} }`, typed for plugin authors as OrdoProviders in src/index.ts),
   * registered at start before onStart; the config file's own `providers` win over them.
   */
  providers?: object;
  /** The kinds of provider this module owns: the key under `providers`, the methods, how one is installed. */
  providerKinds?: ProviderKind[];
  /** The state machines this module owns (the moves of its entities' statuses); each engine makes its own instances. */
  machines?: MachineDefinition<any, any>[];
  /** Guards on state-machine moves, by machine name ("order", "shipment", "payment", "return", or a plugin's own). */
  guards?: Record<string, TransitionGuard<any>[]>;
  /** Plain HTTP routes beside /graphql (document downloads, carrier webhooks), mounted at the server root after /graphql: GraphQL requests never pass through them. */
  routes?: (router: import('express').Router, app: AppRuntime) => void;
  /** Jobs that repeat (housekeeping), scheduled once per deployment by the queue driver. */
  repeatable?: Record<string, { everyMs: number | ((config: AppRuntime['config']) => number); queue?: string }>;
  /** Runs once the ORM and queue are up, before the server listens. */
  onStart?: (app: AppRuntime) => Promise<void>;
  /** Tables of a plugin's own entities (core modules keep theirs in migrations/). */
  migrations?: PluginMigrations;
  onStop?: (app: AppRuntime) => Promise<void>;
}

export function defineModule<M extends OrdoModule>(module: M): M {
  if (!/^[a-z][a-z0-9-]*$/.test(module.name)) throw new Error(`module name "${module.name}" must be lower-case kebab`);
  return module;
}

/** A plugin has the shape of a module; it is written only against the public API (src/index.ts). */
export const definePlugin = defineModule;

/**
 * Orders modules so that each comes after the ones it depends on; refuses unknown or circular
 * dependencies as configuration errors (the process stops with the message, exit code 78).
 */
export function orderModules(modules: OrdoModule[]): OrdoModule[] {
  const byName = new Map<string, OrdoModule>();
  for (const m of modules) {
    if (byName.has(m.name)) throw new ConfigError(`two modules are named "${m.name}"`);
    byName.set(m.name, m);
  }
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: OrdoModule[] = [];
  const visit = (m: OrdoModule) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new ConfigError(`modules depend on each other in a circle through "${m.name}"`);
    visiting.add(m.name);
    for (const dep of m.dependsOn ?? []) {
      const d = byName.get(dep);
      if (!d) throw new ConfigError(`module "${m.name}" depends on "${dep}", which is not enabled`);
      visit(d);
    }
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  modules.forEach(visit);
  return out;
}
