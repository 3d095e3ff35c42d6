import { describe, expect, it, vi } from 'vitest';
import { buildMachines, defineMachine, type TransitionGuard } from '../../src/kernel/state-machine.js';
import { OrdoError } from '../../src/kernel/errors.js';
import { orderMachine, OrderStatus } from '../../src/order-core/order-status.js';

describe('state machine', () => {
  it('allows the order main line and refuses jumps', () => {
    expect(orderMachine.canMove(OrderStatus.PENDING, OrderStatus.CONFIRMED)).toBe(true);
    expect(orderMachine.canMove(OrderStatus.CONFIRMED, OrderStatus.CANCELLED)).toBe(true);
    expect(orderMachine.canMove(OrderStatus.CANCELLED, OrderStatus.CONFIRMED)).toBe(false);
    expect(orderMachine.canMove(OrderStatus.DELIVERED, OrderStatus.CANCELLED)).toBe(false);
    expect(orderMachine.canMove(OrderStatus.PENDING, OrderStatus.SHIPPED)).toBe(false);
    try {
      orderMachine.assertMove(OrderStatus.SHIPPED, OrderStatus.CANCELLED);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OrdoError);
      expect((e as OrdoError).code).toBe('INVALID_STATE_TRANSITION');
    }
  });

  it('lets a guard send an entity elsewhere or refuse the move', async () => {
    type S = 'A' | 'B' | 'HOLD';
    const thing = defineMachine<S, { status: S; total: number }>('thing', { A: ['B', 'HOLD'], B: [], HOLD: ['B'] });
    const redirect: TransitionGuard<S, { status: S; total: number }> = ({ entity, to }) =>
      (to === 'B' && entity.total > 100 ? { redirect: 'HOLD', reason: 'total above 100' } : undefined);
    const m = buildMachines([{ name: 'things', machines: [thing], guards: { thing: [redirect] } }], (msg) => new Error(msg)).get(thing);
    const small = { status: 'A' as S, total: 5 };
    const big = { status: 'A' as S, total: 500 };
    expect(await m.transition(null as never, small, 'B', 'test')).toEqual({ from: 'A', to: 'B', redirectedBy: undefined });
    expect(await m.transition(null as never, big, 'B', 'test')).toEqual({ from: 'A', to: 'HOLD', redirectedBy: 'total above 100' });
    expect(big.status).toBe('HOLD');
    const refuse = () => {
      throw new OrdoError('FORBIDDEN', 'no');
    };
    const strict = buildMachines([{ name: 'things', machines: [thing] }, { name: 'plugin', guards: { thing: [redirect, refuse] } }], (msg) => new Error(msg)).get(thing);
    await expect(strict.transition(null as never, { status: 'HOLD', total: 1 }, 'B', 'test')).rejects.toThrow('no');
  });
});

describe('machines of an engine', () => {
  const ab = defineMachine<'A' | 'B'>('ab', { A: ['B'], B: [] });

  it('are its own: two engines of one process never share guards', async () => {
    const guard = vi.fn(async () => undefined);
    const one = buildMachines([{ name: 'core', machines: [ab] }, { name: 'plugin', guards: { ab: [guard] } }], (m) => new Error(m));
    const two = buildMachines([{ name: 'core', machines: [ab] }], (m) => new Error(m));
    expect(one.get(ab).hasGuards()).toBe(true);
    expect(two.get(ab).hasGuards()).toBe(false);
    await two.get(ab).transition(null as never, { status: 'A' }, 'B', 'test');
    expect(guard).not.toHaveBeenCalled();
    await one.get(ab).transition(null as never, { status: 'A' }, 'B', 'test');
    expect(guard).toHaveBeenCalledTimes(1);
    expect(one.byName.get('ab')).toBe(one.get(ab));
  });

  it('refuse to start with a guard on a machine no module defines, naming it', () => {
    expect(() => buildMachines([{ name: 'core', machines: [ab] }, { name: 'fraud', guards: { shipmnet: [async () => undefined] } }], (m) => new Error(m)))
      .toThrow('module fraud guards the state machine "shipmnet", which no module defines (machines: ab)');
    const other = defineMachine<'A' | 'B'>('ab', { A: [], B: [] });
    expect(() => buildMachines([{ name: 'core', machines: [ab] }, { name: 'x', machines: [other] }], (m) => new Error(m)))
      .toThrow('modules core and x both define a state machine named "ab"');
  });
});
