import { describe, expect, it } from 'vitest';
import { StateMachine } from '../../src/kernel/state-machine.js';
import { OrdoError } from '../../src/kernel/errors.js';
import { orderMachine, OrderStatus } from '../../src/orders/order-status.js';

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
    const m = new StateMachine<S, { status: S; total: number }>('thing', { A: ['B', 'HOLD'], B: [], HOLD: ['B'] });
    m.addGuard(({ entity, to }) => (to === 'B' && entity.total > 100 ? { redirect: 'HOLD', reason: 'total above 100' } : undefined));
    const small = { status: 'A' as S, total: 5 };
    const big = { status: 'A' as S, total: 500 };
    expect(await m.transition(null as never, small, 'B', 'test')).toEqual({ from: 'A', to: 'B', redirectedBy: undefined });
    expect(await m.transition(null as never, big, 'B', 'test')).toEqual({ from: 'A', to: 'HOLD', redirectedBy: 'total above 100' });
    expect(big.status).toBe('HOLD');
    m.addGuard(() => {
      throw new OrdoError('FORBIDDEN', 'no');
    });
    await expect(m.transition(null as never, { status: 'HOLD', total: 1 }, 'B', 'test')).rejects.toThrow('no');
  });
});

describe('guards of several engines in one process', () => {
  it('stay while any engine that added them runs, and go with the last', async () => {
    const m = new StateMachine<'A' | 'B', { status: 'A' | 'B' }>('thing', { A: ['B'], B: [] });
    const guard = async () => undefined;
    m.addGuard(guard); // engine 1
    m.addGuard(guard); // engine 2, same plugin object
    expect(m.hasGuards()).toBe(true);
    m.removeGuard(guard); // engine 1 stops
    expect(m.hasGuards()).toBe(true);
    m.removeGuard(guard); // engine 2 stops
    expect(m.hasGuards()).toBe(false);
  });
});
