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

export class StateMachine<S extends string, E extends { status: S }> {
  private readonly guards: TransitionGuard<S, E>[] = [];
  /** Engines of this process that added each guard (tests run several; a guard asks once per move). */
  private readonly users = new Map<TransitionGuard<S, E>, number>();

  constructor(
    readonly name: string,
    private readonly moves: Record<S, readonly S[]>,
  ) {}

  canMove(from: S, to: S): boolean {
    return this.moves[from]?.includes(to) ?? false;
  }

  addGuard(guard: TransitionGuard<S, E>): void {
    const n = this.users.get(guard) ?? 0;
    this.users.set(guard, n + 1);
    if (n === 0) this.guards.push(guard);
  }

  /** An engine stopping takes its guards off again, once no other engine of the process uses them. */
  removeGuard(guard: TransitionGuard<S, E>): void {
    const n = this.users.get(guard) ?? 0;
    if (n > 1) return void this.users.set(guard, n - 1);
    this.users.delete(guard);
    const i = this.guards.indexOf(guard);
    if (i >= 0) this.guards.splice(i, 1);
  }

  /** Whether any module or plugin guards this machine's moves. */
  hasGuards(): boolean {
    return this.guards.length > 0;
  }

  assertMove(from: S, to: S, label = this.name): void {
    if (!this.canMove(from, to)) {
      throw new OrdoError('INVALID_STATE_TRANSITION', `${/^[aeiou]/i.test(label) ? 'An' : 'A'} ${label} that is ${from} cannot become ${to}.`, { from, to });
    }
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
