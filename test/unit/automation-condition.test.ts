// Automation conditions (docs/automation.md): JsonLogic checked before a rule is saved — only standard
// operators with their arities, `var` only over the documented facts — and the path of a problem named.
import { describe, expect, it } from 'vitest';
import { checkCondition, ConditionProblem, matches } from '../../src/automation/automation-condition.js';
import { isFact } from '../../src/automation/automation-facts.js';

const problem = (tree: unknown) => {
  try {
    checkCondition(tree, 'input.condition');
    return null;
  } catch (e) {
    if (e instanceof ConditionProblem) return { path: e.path, message: e.message };
    throw e;
  }
};

const BIG_DE = { and: [{ '==': [{ var: 'order.country' }, 'DE'] }, { '>': [{ var: 'order.total' }, 100000] }] };

describe('automation conditions', () => {
  it('accepts the documented example and evaluates it over facts in minor units', () => {
    expect(problem(BIG_DE)).toBeNull();
    expect(matches(BIG_DE, { order: { country: 'DE', total: 100001 } })).toBe(true);
    expect(matches(BIG_DE, { order: { country: 'DE', total: 100000 } })).toBe(false);
    expect(matches(BIG_DE, { order: { country: 'AT', total: 500000 } })).toBe(false);
    expect(matches(null, {})).toBe(true);
  });

  it('reads lists: SKUs with in and some (item vars are not facts), tags, customer order count', () => {
    const c = { or: [{ in: ['GIFT', { var: 'order.skus' }] }, { some: [{ var: 'order.tags' }, { '==': [{ var: '' }, 'vip'] }] }, { '<=': [{ var: 'customer.orderCount' }, 1] }] };
    expect(problem(c)).toBeNull();
    expect(matches(c, { order: { skus: ['A', 'GIFT'], tags: [] }, customer: { orderCount: 3 } })).toBe(true);
    expect(matches(c, { order: { skus: ['A'], tags: ['vip'] }, customer: { orderCount: 3 } })).toBe(true);
    expect(matches(c, { order: { skus: ['A'], tags: [] }, customer: { orderCount: 1 } })).toBe(true);
    expect(matches(c, { order: { skus: ['A'], tags: ['x'] }, customer: { orderCount: 2 } })).toBe(false);
  });

  it('names the path of a wrong arity, an unknown operator, an unknown fact, a rule with two keys', () => {
    expect(problem({ and: [{ '==': [1, 1] }, { '>': [{ var: 'order.total' }] }] })).toMatchObject({ path: "input.condition.and[1]['>']", message: expect.stringContaining('takes 2') });
    expect(problem({ and: [{ '==': [1, 1] }, { '>': [{ var: 'order.totl' }, 5] }] })).toMatchObject({ path: "input.condition.and[1]['>'][0].var", message: expect.stringContaining('Unknown fact "order.totl"') });
    expect(problem({ or: [{ method: [{ var: 'order.email' }, 'toString'] }] })).toMatchObject({ path: 'input.condition.or[0].method', message: expect.stringContaining('Unknown operator') });
    expect(problem({ '==': [1, 1], '!=': [1, 2] })).toMatchObject({ path: 'input.condition' });
    expect(problem({ var: 42 })).toMatchObject({ path: 'input.condition.var' });
    expect(problem({ missing: ['order.total', 'nope'] })).toMatchObject({ path: 'input.condition.missing[1]' });
    expect(problem({ '!': { var: 'order.imported' } })).toBeNull();
  });

  it('knows the fact set, event.data.* included', () => {
    expect(isFact('order.total')).toBe(true);
    expect(isFact('customer.orderCount')).toBe(true);
    expect(isFact('event.data.sku')).toBe(true);
    expect(isFact('order.secret')).toBe(false);
    expect(isFact('constructor')).toBe(false);
  });

  it('refuses trees too deep or too big', () => {
    let deep: unknown = true;
    for (let i = 0; i < 40; i++) deep = { '!': [deep] };
    expect(problem(deep)?.message).toMatch(/nests at most/);
    expect(problem({ and: Array.from({ length: 600 }, () => true) })?.message).toMatch(/at most 500 nodes/);
  });
});
