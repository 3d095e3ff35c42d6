// The compiled executor on a small schema: when it compiles, how many plans it keeps, and that its answers
// (data and errors, with their nodes and originals) are graphql-js's. The engine-level comparison over HTTP
// is test/integration/compiled-execution.test.ts.
import { describe, expect, it } from 'vitest';
import { buildSchema, execute, Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { compiledExecutor, compiledStats } from '../../src/kernel/compiled-execution.js';

const schema = buildSchema(`
  type Query { n(x: Int!): Int! fails: String item: Item items: [Item!] }
  type Item { name: String! code: String }
`);
const fields = schema.getQueryType()!.getFields();
fields.n.resolve = (_s, { x }) => x * 2;
fields.fails.resolve = async () => {
  throw Object.assign(new Error('nope'), { extensions: { code: 'NOT_FOUND' } });
};
fields.item.resolve = () => ({ name: null, code: 'c' });
fields.items.resolve = () => [{ name: 'a' }, { name: null }];

type Executor = ReturnType<typeof compiledExecutor>;
async function run(ex: Executor, document: DocumentNode, variables: Record<string, unknown> = {}) {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const rc = { document, operation, source: 'x', context: {}, request: { variables } };
  return ex(rc as unknown as Parameters<Executor>[0]);
}
const delta = async <T,>(f: () => Promise<T>) => {
  const [a, c] = [compiledStats.answers, compiledStats.compilations];
  const value = await f();
  return { value, answers: compiledStats.answers - a, compilations: compiledStats.compilations - c };
};

describe('compiled executor', () => {
  it('compiles a document after compileAfter executions and answers from the plan from then on', async () => {
    const ex = compiledExecutor(schema, { compileAfter: 2 });
    const doc = parse('query($x: Int!) { n(x: $x) }');
    const steps = [];
    for (let i = 1; i <= 4; i++) steps.push(await delta(() => run(ex, doc, { x: i })));
    expect(steps.map((s) => s.value)).toEqual([1, 2, 3, 4].map((i) => ({ data: { n: 2 * i } })));
    expect(steps.map((s) => s.answers)).toEqual([0, 0, 1, 1]);
    expect(steps.map((s) => s.compilations)).toEqual([0, 0, 1, 0]);
  });

  it('keeps the plans of maxDocuments documents, dropping the least recently used', async () => {
    const ex = compiledExecutor(schema, { compileAfter: 0, maxDocuments: 2 });
    const [a, b, c] = ['{ n(x: 1) }', '{ n(x: 2) }', '{ n(x: 3) }'].map((q) => parse(q));
    expect((await delta(() => run(ex, a))).compilations).toBe(1);
    expect((await delta(() => run(ex, b))).compilations).toBe(1);
    expect((await delta(() => run(ex, a))).compilations).toBe(0); // a is now the most recent
    expect((await delta(() => run(ex, c))).compilations).toBe(1); // b dropped
    expect((await delta(() => run(ex, a))).compilations).toBe(0);
    const again = await delta(() => run(ex, b));
    expect(again).toEqual({ value: { data: { n: 4 } }, answers: 1, compilations: 1 });
  });

  it("gives graphql-js's errors: nodes, originals, extensions, null propagation, errors first", async () => {
    const ex = compiledExecutor(schema, { compileAfter: 0 });
    for (const q of ['{ fails }', '{ item { name code } }', '{ items { name } }', 'query Q { fails n(x: 2) }']) {
      const doc = parse(q);
      const compiled = await delta(() => run(ex, doc));
      expect(compiled.answers).toBe(1);
      const reference = await execute({ schema, document: doc });
      expect(JSON.stringify(compiled.value)).toBe(JSON.stringify(reference));
      const [mine, theirs] = [compiled.value.errors![0], reference.errors![0]];
      expect(mine.nodes?.map((n) => n.loc?.start)).toEqual(theirs.nodes?.map((n) => n.loc?.start));
      expect(mine.originalError?.message).toBe(theirs.originalError?.message);
      expect(mine.extensions).toEqual(theirs.extensions);
    }
  });

  it('leaves variables that do not coerce to graphql-js, in its words', async () => {
    const ex = compiledExecutor(schema, { compileAfter: 0 });
    const doc = parse('query($x: Int!) { n(x: $x) }');
    for (const variables of [{ x: 'two' }, {}, { x: 2 ** 40 }]) {
      const r = await delta(() => run(ex, doc, variables));
      expect(r.answers).toBe(0);
      expect(JSON.stringify(r.value)).toBe(JSON.stringify(await execute({ schema, document: doc, variableValues: variables })));
      expect(r.value.errors?.[0].nodes?.[0].kind).toBe(Kind.VARIABLE_DEFINITION);
    }
  });
});

describe('compiled executor budget', () => {
  it('compiles no more than its budget allows: past it, documents run on graphql-js and ask again next time', async () => {
    // A budget that one compilation exhausts, refilled at 2 ms per second: compiling a (C ms) leaves a debt
    // that takes C × 500 ms to refill, so b, run right after, is over budget even on a loaded machine.
    const ex = compiledExecutor(schema, { compileAfter: 0, compileMsPerSecond: 2, compileBurstMs: 1e-9 });
    const [a, b] = [parse('{ n(x: 5) }'), parse('{ n(x: 6) }')];
    expect(await delta(() => run(ex, a))).toEqual({ value: { data: { n: 10 } }, answers: 1, compilations: 1 });
    const waiting = await delta(() => run(ex, b));
    expect(waiting).toEqual({ value: { data: { n: 12 } }, answers: 0, compilations: 0 });
    // a's plan is kept and used without budget.
    expect((await delta(() => run(ex, a))).answers).toBe(1);
    // Once the budget has refilled, b is compiled at its next execution (and answered by graphql-js until then).
    let next = await delta(() => run(ex, b));
    for (const until = Date.now() + 15_000; next.compilations === 0 && Date.now() < until;) {
      expect(next).toEqual({ value: { data: { n: 12 } }, answers: 0, compilations: 0 });
      await new Promise((r) => setTimeout(r, 100));
      next = await delta(() => run(ex, b));
    }
    expect(next).toEqual({ value: { data: { n: 12 } }, answers: 1, compilations: 1 });
  }, 30_000);
});
