// One helper for every state machine (order, payment, shipment, return): it checks that a move is
// allowed, asks the guards registered by modules and plugins, and hands back what happened so the
// caller can write its history entry and event in the same transaction.
import type { EntityManager } from '@mikro-orm/core';
import { OrdoError } from './errors.js';

export interface TransitionContext<S extends string, E> {
  em: EntityManager;
  entity: E;
  from: S;
  to: S;
  actor: string;
}

/** A guard may throw an OrdoError to refuse a move, or return another target (for example ON_HOLD) with a reason. */
export type TransitionGuard<S extends string, E = any> = (
  ctx: TransitionContext<S, E>,
) => void | { redirect: S; reason: string } | Promise<void | { redirect: S; reason: string }>;

export interface TransitionResult<S extends string> {
  from: S;
  to: S;
  /** Set when a guard sent the entity somewhere else than asked. */
  redirectedBy?: string;
}

/**
 * A machine's moves, defined once by the module that owns its entity (`defineMachine('order', …)`). The
 * rules (canMove, assertMove) need no engine; moves that run guards go through the engine's instance
 * (`app.machine(orderMachine).transition(…)`), which holds the guards the engine's modules and plugins
 * registered: two engines in one process never share them.
 */
export class MachineDefinition<S extends string, E extends { status: S } = { status: S }> {
  constructor(
    readonly name: string,
    private readonly moves: Record<S, readonly S[]>,
  ) {}

  canMove(from: S, to: S): boolean {
    return this.moves[from]?.includes(to) ?? false;
  }

  assertMove(from: S, to: S, label = this.name): void {
    if (!this.canMove(from, to)) {
      throw new OrdoError('INVALID_STATE_TRANSITION', `${/^[aeiou]/i.test(label) ? 'An' : 'A'} ${label} that is ${from} cannot become ${to}.`, { from, to });
    }
  }

  /** Marks the entity type this machine moves (for the typed instance); no value. */
  declare readonly entity?: E;
}

export function defineMachine<S extends string, E extends { status: S } = { status: S }>(name: string, moves: Record<S, readonly S[]>): MachineDefinition<S, E> {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`machine name "${name}" must be lower-case kebab`);
  return new MachineDefinition<S, E>(name, moves);
}

/** One engine's instance of a machine: its definition and the guards of that engine's modules. */
export class StateMachine<S extends string, E extends { status: S }> {
  constructor(
    readonly definition: MachineDefinition<S, E>,
    private readonly guards: readonly TransitionGuard<S, E>[] = [],
  ) {}

  get name(): string {
    return this.definition.name;
  }

  canMove(from: S, to: S): boolean {
    return this.definition.canMove(from, to);
  }

  assertMove(from: S, to: S, label?: string): void {
    this.definition.assertMove(from, to, label);
  }

  /** Whether any module or plugin guards this machine's moves. */
  hasGuards(): boolean {
    return this.guards.length > 0;
  }

  /** Checks the move and the guards, then sets the new status on the entity (the caller flushes). */
  async transition(em: EntityManager, entity: E, to: S, actor: string): Promise<TransitionResult<S>> {
    const from = entity.status;
    this.assertMove(from, to);
    let target = to;
    let redirectedBy: string | undefined;
    for (const guard of this.guards) {
      const verdict = await guard({ em, entity, from, to: target, actor });
      if (verdict && verdict.redirect !== target) {
        this.assertMove(from, verdict.redirect);
        target = verdict.redirect;
        redirectedBy = verdict.reason;
      }
    }
    entity.status = target;
    return { from, to: target, redirectedBy };
  }
}

/** The machines of one engine, by definition (typed) and by name. */
export interface Machines {
  get<S extends string, E extends { status: S }>(definition: MachineDefinition<S, E>): StateMachine<S, E>;
  readonly byName: ReadonlyMap<string, StateMachine<any, any>>;
}

/**
 * Builds an engine's machines from the definitions its modules declare, with every module's guards.
 * A guard on a machine no module defines is a configuration error naming it (not silently ignored).
 */
export function buildMachines(
  modules: readonly { name: string; machines?: MachineDefinition<any, any>[]; guards?: Record<string, TransitionGuard<any>[]> }[],
  configError: (message: string) => Error,
): Machines {
  const definitions = new Map<string, { def: MachineDefinition<any, any>; owner: string }>();
  for (const m of modules) {
    for (const def of m.machines ?? []) {
      const other = definitions.get(def.name);
      if (other && other.def !== def) throw configError(`modules ${other.owner} and ${m.name} both define a state machine named "${def.name}"`);
      definitions.set(def.name, { def, owner: m.name });
    }
  }
  const guards = new Map<string, TransitionGuard<any>[]>();
  for (const m of modules) {
    for (const [name, list] of Object.entries(m.guards ?? {})) {
      if (!definitions.has(name)) {
        throw configError(`module ${m.name} guards the state machine "${name}", which no module defines (machines: ${[...definitions.keys()].sort().join(', ')})`);
      }
      guards.set(name, [...(guards.get(name) ?? []), ...list]);
    }
  }
  const byName = new Map([...definitions].map(([name, { def }]) => [name, new StateMachine(def, guards.get(name) ?? [])]));
  return {
    byName,
    get(definition) {
      const m = byName.get(definition.name);
      if (!m || m.definition !== definition) throw new Error(`the state machine "${definition.name}" is not defined by any module of this engine`);
      return m;
    },
  };
}
