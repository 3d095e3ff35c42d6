// What one operation asks for, measured in one pass over the document: nesting depth, an estimated
// cost, aliases and directives, and the shape of its introspection part. Each fragment is measured
// once (its numbers do not depend on where it is spread) and a spread adds the fragment's numbers,
// so expanded counts cost time linear in the document: 40 fragments each spreading the next twice
// measure as 2^40 without 2^40 steps. Cycles (refused by NoFragmentCycles) count nothing here.
import {
  Kind, getNamedType, getNullableType, isListType, isObjectType, isInterfaceType,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLNamedType,
  type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE } from './pagination.js';

/** Counts stop growing here: far above any limit, and still exact integers in a double. */
export const SATURATED = 1e15;
/** A paginated field without `first` returns the resolvers' default page. */
export const DEFAULT_PAGE = 20;
/** A list without a page argument (order lines, variants, payments) is assumed to hold this many. */
export const LIST_GUESS = 10;

export interface Measure {
  /** Nesting of fields outside introspection. */
  depth: number;
  /** Fields resolved, where a list multiplies what it selects by its (assumed) size. */
  cost: number;
  /** Aliases and directives, counted once per place a fragment is spread. */
  aliases: number;
  directives: number;
  /** Nesting inside `__schema`/`__type`, and how many lists are nested there. */
  introDepth: number;
  introLists: number;
  /** Nesting of the document itself: fields, inline fragments and fragment spreads (a chain of spreads nests too). */
  nesting: number;
}

const zero = (): Measure => ({ depth: 0, cost: 0, aliases: 0, directives: 0, introDepth: 0, introLists: 0, nesting: 0 });
const add = (a: number, b: number) => Math.min(SATURATED, a + b);
const mul = (a: number, b: number) => Math.min(SATURATED, a * b);

/** Adds `b` (a sibling selection, or a spread fragment) into `a`. */
function merge(a: Measure, b: Measure): void {
  a.depth = Math.max(a.depth, b.depth);
  a.cost = add(a.cost, b.cost);
  a.aliases = add(a.aliases, b.aliases);
  a.directives = add(a.directives, b.directives);
  a.introDepth = Math.max(a.introDepth, b.introDepth);
  a.introLists = Math.max(a.introLists, b.introLists);
  a.nesting = Math.max(a.nesting, b.nesting);
}

/**
 * Measures every operation of a document. `maxNesting` bounds the walk of one definition's own nesting:
 * below it the measure is SATURATED depth (refused anyway), so a hostile nesting costs no more than that.
 */
export function measureOperations(schema: GraphQLSchema, document: DocumentNode, maxNesting: number): Map<OperationDefinitionNode, Measure> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d);
  }
  const memo = new Map<string, Measure>();

  const walk = (set: SelectionSetNode, parent: GraphQLNamedType | undefined, level: number): Measure => {
    const m = zero();
    if (level > maxNesting) {
      m.depth = SATURATED;
      m.nesting = SATURATED;
      return m;
    }
    for (const sel of set.selections) {
      m.directives = add(m.directives, sel.directives?.length ?? 0);
      let part: Measure;
      if (sel.kind === Kind.FIELD) {
        part = field(sel, parent, level);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        part = walk(sel.selectionSet, type ?? undefined, level + 1);
      } else {
        // Measured before any definition that spreads it (see order below); unknown or cyclic: nothing.
        part = { ...(memo.get(sel.name.value) ?? zero()) };
      }
      part.nesting = add(part.nesting, 1);
      merge(m, part);
    }
    return m;
  };

  const field = (node: FieldNode, parent: GraphQLNamedType | undefined, level: number): Measure => {
    const def = fieldDef(schema, parent, node.name.value);
    const child = node.selectionSet ? walk(node.selectionSet, def ? getNamedType(def.type) : undefined, level + 1) : zero();
    const m = zero();
    m.aliases = add(child.aliases, node.alias ? 1 : 0);
    m.directives = child.directives;
    m.nesting = child.nesting;
    const list = def ? isListType(getNullableType(def.type)) : false;
    if (parent?.name.startsWith('__')) {
      // Introspection answers from memory: counted flat, and bounded by its own depth and list nesting.
      m.introDepth = add(child.introDepth, 1);
      m.introLists = add(child.introLists, list ? 1 : 0);
      m.cost = add(child.cost, 1);
      return m;
    }
    m.depth = add(child.depth, 1);
    m.introDepth = child.introDepth;
    m.introLists = child.introLists;
    m.cost = add(1, mul(multiplier(node, def, parent, list), child.cost));
    return m;
  };

  // Fragments in dependency order, found without recursion (a long chain of spreads is just a long loop).
  const state = new Map<string, 'open' | 'done'>();
  for (const start of fragments.keys()) {
    if (state.has(start)) continue;
    const stack: { name: string; deps: string[]; next: number }[] = [{ name: start, deps: spreadsOf(fragments.get(start)!.selectionSet), next: 0 }];
    state.set(start, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < top.deps.length) {
        const dep = top.deps[top.next++];
        if (!fragments.has(dep) || state.has(dep)) continue; // unknown, done, or a cycle back to an open one
        state.set(dep, 'open');
        stack.push({ name: dep, deps: spreadsOf(fragments.get(dep)!.selectionSet), next: 0 });
        continue;
      }
      stack.pop();
      const f = fragments.get(top.name)!;
      const type = schema.getType(f.typeCondition.name.value) ?? undefined;
      const m = walk(f.selectionSet, type, 1);
      m.directives = add(m.directives, f.directives?.length ?? 0);
      memo.set(top.name, m);
      state.set(top.name, 'done');
    }
  }

  const result = new Map<OperationDefinitionNode, Measure>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = d.operation === 'query' ? schema.getQueryType() : d.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    const m = walk(d.selectionSet, root ?? undefined, 1);
    let own = d.directives?.length ?? 0;
    for (const v of d.variableDefinitions ?? []) own += v.directives?.length ?? 0;
    m.directives = add(m.directives, own);
    result.set(d, m);
  }
  return result;
}

/** Names of the fragments a selection set spreads, at any nesting inside it (not through other fragments). */
function spreadsOf(set: SelectionSetNode): string[] {
  const names: string[] = [];
  const sets = [set];
  while (sets.length) {
    for (const sel of sets.pop()!.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) names.push(sel.name.value);
      else if (sel.selectionSet) sets.push(sel.selectionSet);
    }
  }
  return names;
}

function fieldDef(schema: GraphQLSchema, parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema') return { type: schema.getType('__Schema') } as GraphQLField<unknown, unknown>;
  if (name === '__type') return { type: schema.getType('__Type') } as GraphQLField<unknown, unknown>;
  if (parent && (isObjectType(parent) || isInterfaceType(parent))) return parent.getFields()[name];
  return undefined;
}

/**
 * How many times a field's selection runs: its page size when it takes `first` (the given number, the
 * largest page when a variable says, the default page when left out), a guess for other lists, else
 * once. A connection's `nodes`/`edges` are the page already counted on the connection field.
 */
function multiplier(node: FieldNode, def: GraphQLField<unknown, unknown> | undefined, parent: GraphQLNamedType | undefined, list: boolean): number {
  const first = node.arguments?.find((a) => a.name.value === 'first');
  if (first) return first.value.kind === Kind.INT ? Math.max(1, Number(first.value.value)) : MAX_PAGE;
  if (def?.args?.some((a) => a.name === 'first')) return DEFAULT_PAGE;
  if (!list) return 1;
  if (parent?.name.endsWith('Connection') && (node.name.value === 'nodes' || node.name.value === 'edges')) return 1;
  return LIST_GUESS;
}

/**
 * How many pairs of selections with the same response name sit at the same place once fragments are
 * expanded (`{ a a a }`: 3 pairs; nested repeats multiply). graphql-js's OverlappingFieldsCanBeMerged
 * compares each such pair, so this is its work; a real query repeats a few fields (`id`, `__typename`
 * in several fragments). Walks the expanded document, so call it only once the cost bound (which
 * counts every expanded field) has passed; `maxSteps` stops the walk, answering SATURATED, when the
 * expansion is larger than that. Fragments no operation spreads are walked too (graphql-js checks them).
 */
export function repeatedSelections(document: DocumentNode, maxSteps: number): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d);
  }
  const counts = new Map<string, number>();
  const active = new Set<string>();
  const expanded = new Set<string>();
  let pairs = 0;
  let steps = 0;
  const walk = (set: SelectionSetNode, key: string): boolean => {
    for (const sel of set.selections) {
      if (++steps > maxSteps) return false;
      if (sel.kind === Kind.FIELD) {
        const k = `${key}\u0001${(sel.alias ?? sel.name).value}`;
        const n = counts.get(k) ?? 0;
        pairs += n;
        counts.set(k, n + 1);
        if (sel.selectionSet && !walk(sel.selectionSet, k)) return false;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (!walk(sel.selectionSet, key)) return false;
      } else {
        const f = fragments.get(sel.name.value);
        if (!f || active.has(f.name.value)) continue;
        active.add(f.name.value);
        expanded.add(f.name.value);
        const ok = walk(f.selectionSet, key);
        active.delete(f.name.value);
        if (!ok) return false;
      }
    }
    return true;
  };
  let root = 0;
  const roots = [
    ...document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION),
    ...fragments.values(),
  ];
  for (const d of roots) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) {
      if (expanded.has(d.name.value)) continue;
      expanded.add(d.name.value);
    }
    active.clear();
    if (d.kind === Kind.FRAGMENT_DEFINITION) active.add(d.name.value);
    if (!walk(d.selectionSet, String(root++))) return SATURATED;
  }
  return pairs;
}
