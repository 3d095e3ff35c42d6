// The request bounds measured without running anything: each fragment once (a spread adds its numbers),
// cycles counted as nothing, introspection on its own allowance, and the whole check stopping graphql-js's
// rules from walking a document it refuses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate, type OperationDefinitionNode } from 'graphql';
import type { GraphQLError } from 'graphql';
import { measureOperations, repeatedSelections, SATURATED, type Measure } from '../../src/kernel/query-measure.js';
import { MAX_REPEATED_SELECTIONS, queryLimits } from '../../src/kernel/query-limits.js';

const schema = buildSchema(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const DEFAULTS = { maxDepth: 12, maxCost: 20_000, maxAliases: 30, maxDirectives: 50 };
const NESTING = 100;

function measure(query: string): Measure {
  const ops = [...measureOperations(schema, parse(query, { maxTokens: 1_000_000 }), NESTING).values()];
  expect(ops).toHaveLength(1);
  return ops[0];
}

function check(query: string, limits = DEFAULTS) {
  return validate(schema, parse(query, { maxTokens: 1_000_000 }), [...specifiedRules, queryLimits(limits)]);
}

/** `fragment F0 on Query { ...F1 ...F1 }` … : 2^n copies of the last fragment's field once expanded. */
function fragmentBomb(n: number): string {
  let q = '{ ...F0 }\n';
  for (let i = 0; i < n; i++) q += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }\n`;
  return `${q}fragment F${n} on Query { __typename }`;
}

describe('query measure', () => {
  it('measures each fragment once: 40 fragments spreading the next twice count 2^40, at once', () => {
    // Walking each spread again would take 2^40 steps (hours); once per fragment is a few milliseconds.
    // The bound is loose on purpose: it tells linear from exponential on a loaded machine, it is no benchmark.
    const started = performance.now();
    const m = measure(fragmentBomb(40));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(m.cost).toBe(2 ** 40);
    expect(m.depth).toBe(1);
    const errors = check(fragmentBomb(40));
    expect(errors.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(errors[0].message).toMatch(/would cost 1099511627776/);
  });

  it('counts aliases and directives once per place a fragment is spread', () => {
    const m = measure(`{ ...A ...A ...A } fragment A on Query { x: channels @include(if: true) { code } y: __typename }`);
    expect(m.aliases).toBe(6);
    expect(m.directives).toBe(3);
    expect(check(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`)[0].message).toBe('The query uses 31 aliases; at most 30 are allowed.');
    expect(check(`{ ${Array.from({ length: 30 }, (_, i) => `a${i}: __typename`).join(' ')} }`)).toEqual([]);
    const directives = `{ __typename ${'@include(if: true) '.repeat(51)} }`;
    expect(check(directives)[0].message).toBe('The query uses 51 directives; at most 50 are allowed.');
  });

  it('survives fragment cycles (NoFragmentCycles reports them) without looping', () => {
    const m = measure(`{ ...A } fragment A on Query { ...B channels { code } } fragment B on Query { ...A ...A __typename }`);
    expect(m.cost).toBeGreaterThan(0);
    const self = check(`{ ...S } fragment S on Query { ...S __typename }`);
    expect(self.map((e) => e.message)).toEqual(['Cannot spread fragment "S" within itself.']);
    // Unknown fragments count nothing and are reported by graphql-js.
    expect(check(`{ ...Missing }`).map((e) => e.message)).toEqual(['Unknown fragment "Missing".']);
  });

  it('walks a chain of 5,000 spreads without recursion, and refuses it as nested too deeply', () => {
    let q = '{ ...F0 }\n';
    for (let i = 0; i < 5000; i++) q += `fragment F${i} on Query { ...F${i + 1} }\n`;
    q += 'fragment F5000 on Query { __typename }';
    const errors = check(q);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/nested too deeply/);
  });

  it('multiplies by page sizes: given, largest for a variable, the default when left out; a connection counts its page once', () => {
    expect(measure(`{ products(first: 5) { nodes { name } } }`).cost).toBe(1 + 5 * (1 + 1));
    expect(measure(`query($n: Int) { products(first: $n) { nodes { name } } }`).cost).toBe(1 + 100 * 2);
    expect(measure(`{ products { nodes { name } } }`).cost).toBe(1 + 20 * 2);
    // A list without a page argument (variants) is assumed to hold 10.
    expect(measure(`{ products(first: 1) { nodes { variants { sku price } } } }`).cost).toBe(1 + 1 * (1 + (1 + 10 * 2)));
    // Saturates instead of overflowing.
    const huge = measure(`{ orders(first: 100000) { nodes { ${'customer { orders(first: 100000) { nodes { '.repeat(4)}id${' } } }'.repeat(4)} } } }`);
    expect(huge.cost).toBe(SATURATED);
  });

  it('lets a real page through: 100 orders with lines, payments and history', () => {
    const page = `{ orders(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { id number status paymentStatus total currencyCode placedAt email
      lines { sku quantity unitPrice lineTotal } payments { status amount } history { type fromStatus toStatus actor message at } } } }`;
    expect(check(page)).toEqual([]);
    expect(measure(page).cost).toBeLessThan(DEFAULTS.maxCost);
    // The same page nested in itself is refused.
    const nested = `{ orders(first: 100) { nodes { customer { orders(first: 100) { nodes { lines { sku quantity unitPrice } } } } } } }`;
    expect(check(nested)[0]?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('answers the standard introspection query, and bounds introspection on its own', () => {
    for (const q of [getIntrospectionQuery(), getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })]) {
      expect(check(q)).toEqual([]);
      const m = measure(q);
      expect(m.depth).toBe(1);
      expect(m.introLists).toBe(3);
    }
    const deep = `{ __type(name: "Order") { ${'ofType { '.repeat(1000)}name${' }'.repeat(1000)} } }`;
    expect(check(deep)[0].message).toMatch(/introspection part is nested 3\d levels deep; at most 20/);
    const loop = `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`;
    expect(check(loop)[0].message).toBe('The introspection part nests 4 lists in each other; at most 3 are allowed.');
  });

  it('refuses depth 40 with the depth in the message', () => {
    const nested = (k: number) => `{ products { nodes { ${'variants { product { '.repeat(k)}variants { sku }${' } }'.repeat(k)} } } }`;
    expect(measure(nested(18)).depth).toBe(40);
    // Past every bound (12 + the introspection allowance) the walk stops: the message says "more than".
    expect(check(nested(18)).map((e) => e.message)).toEqual(['The query is nested more than 12 levels deep; at most 12 are allowed.']);
    expect(check(nested(6)).map((e) => e.message)).toEqual(['The query is nested 16 levels deep; at most 12 are allowed.']);
    expect(measure(nested(4)).depth).toBe(12);
    // (Each level of variants multiplies by 10: depth 12 is within its bound, the cost is not.)
    expect(check(nested(4), { ...DEFAULTS, maxCost: 10_000_000 })).toEqual([]);
  });

  it('counts repeated selections the way graphql-js must compare them, and refuses thousands before it does', () => {
    expect(repeatedSelections(parse(`{ a a a }`), 1000)).toBe(3);
    expect(repeatedSelections(parse(`{ a { b b } a { b b } }`), 1000)).toBe(1 + 6);
    // Through fragments, and in fragments no operation spreads.
    expect(repeatedSelections(parse(`{ ...F ...G } fragment F on Q { id } fragment G on Q { id } fragment U on Q { x x }`), 1000)).toBe(2);
    const dups = `{ ${'channels { code } '.repeat(1200)}}`;
    // Refused before graphql-js's overlap check compares every pair: a small share of that check's time
    // on the same document. Compared in the same run and interleaved (one of each, five times), so that a
    // loaded machine, even a burst of load lasting longer than one measurement, slows both alike; the best
    // of the five each, so that one pause for the collector or the scheduler does not decide it.
    const doc = parse(dups, { maxTokens: 1_000_000 });
    let errors: readonly GraphQLError[] = [];
    let unguarded = Infinity;
    let guarded = Infinity;
    const time = (fn: () => unknown) => {
      const started = performance.now();
      fn();
      return performance.now() - started;
    };
    for (let i = 0; i < 5; i++) {
      unguarded = Math.min(unguarded, time(() => validate(schema, doc, specifiedRules)));
      guarded = Math.min(guarded, time(() => (errors = check(dups))));
    }
    expect(guarded).toBeLessThan(unguarded / 3);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/same fields too many times/);
    // Fragments that share a few fields, as components' fragments do, pass.
    const shared = `{ products(first: 10) { nodes { ...A ...B ...C } } }
      fragment A on Product { id name __typename } fragment B on Product { id __typename variants { sku } } fragment C on Product { id __typename }`;
    expect(check(shared)).toEqual([]);
    expect(MAX_REPEATED_SELECTIONS).toBeGreaterThan(100);
  });

  it('stops the other rules when it refuses: their errors are not reported for a refused document', () => {
    const q = `{ nope ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(check(q).map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    // Within the bounds, graphql-js reports as usual.
    expect(check(`{ nope }`).map((e) => e.message)).toEqual(['Cannot query field "nope" on type "Query". Did you mean "node"?']);
  });

  it('names the operation that is refused when a document has several', () => {
    const errors = check(`query Small { __typename } query Big { ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(errors.map((e) => e.message)).toEqual(['Operation "Big": The query uses 31 aliases; at most 30 are allowed.']);
    const ops = [...measureOperations(schema, parse(`query A { __typename } query B { channels { code } }`), NESTING).keys()] as OperationDefinitionNode[];
    expect(ops.map((o) => o.name?.value)).toEqual(['A', 'B']);
  });
});
