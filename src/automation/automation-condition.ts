// A rule's condition is JsonLogic (jsonlogic.com, evaluated by the json-logic-js package), not a language
// of our own. Before a rule is saved the tree is walked: only json-logic-js's standard operators (less
// `method`, which calls methods of the data, and `log`), each with a number of arguments it accepts, and
// `var` names only from the documented fact set (automation-facts.ts). A problem is reported with the
// path of the node, e.g. `input.condition.and[1]['>'][0]`: keys that are identifiers after a dot,
// other keys quoted in brackets, argument positions as [i].
import jsonLogic from 'json-logic-js';
import { badInput } from '../kernel/errors.js';
import { isFact } from './automation-facts.js';

/** Allowed operators and their argument counts [min, max] (max Infinity: any). */
const ARITY: Record<string, [number, number]> = {
  '==': [2, 2], '===': [2, 2], '!=': [2, 2], '!==': [2, 2],
  '>': [2, 2], '>=': [2, 2], '<': [2, 3], '<=': [2, 3],
  '!': [1, 1], '!!': [1, 1], and: [1, Infinity], or: [1, Infinity],
  if: [1, Infinity], '?:': [3, 3],
  in: [2, 2], cat: [1, Infinity], substr: [2, 3],
  '+': [1, Infinity], '*': [1, Infinity], '-': [1, 2], '/': [2, 2], '%': [2, 2], min: [1, Infinity], max: [1, Infinity],
  merge: [0, Infinity], missing: [1, Infinity], missing_some: [2, 2],
  var: [1, 2],
  map: [2, 2], filter: [2, 2], all: [2, 2], none: [2, 2], some: [2, 2], reduce: [3, 3],
};

/** Operators whose later arguments are evaluated per item of the first: their `var`s name the item ("" or its fields; reduce: current, accumulator). */
const ITERATING = new Set(['map', 'filter', 'all', 'none', 'some', 'reduce']);

/** How deep a condition may nest, and how many nodes it may have: a rule is a few lines, not a program. */
const MAX_DEPTH = 32;
const MAX_NODES = 500;

export const OPERATORS = Object.keys(ARITY);

export class ConditionProblem extends Error {
  constructor(message: string, readonly path: string) {
    super(message);
  }
}

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `['${k.replace(/'/g, "\\'")}']`);

/** Throws ConditionProblem for the first problem of the tree, naming its path under `base`. */
export function checkCondition(tree: unknown, base = 'condition'): void {
  let nodes = 0;
  const walk = (node: unknown, path: string, depth: number, inItem: boolean): void => {
    if (++nodes > MAX_NODES) throw new ConditionProblem(`A condition has at most ${MAX_NODES} nodes.`, path);
    if (depth > MAX_DEPTH) throw new ConditionProblem(`A condition nests at most ${MAX_DEPTH} levels.`, path);
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) throw new ConditionProblem('Numbers must be finite.', path);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${path}[${i}]`, depth + 1, inItem));
      return;
    }
    if (typeof node !== 'object') throw new ConditionProblem('Unexpected value.', path);
    const keys = Object.keys(node);
    if (keys.length !== 1) throw new ConditionProblem(`A JsonLogic rule is an object with exactly one operator (found ${keys.length} keys).`, path);
    const op = keys[0];
    const at = `${path}${key(op)}`;
    const arity = ARITY[op];
    if (!arity) throw new ConditionProblem(`Unknown operator "${op}"; allowed: ${OPERATORS.join(' ')}.`, at);
    const raw = (node as Record<string, unknown>)[op];
    // json-logic-js takes a single argument without its array: {"var": "x"}, {"!": {...}}.
    const args = Array.isArray(raw) ? raw : [raw];
    if (args.length < arity[0] || args.length > arity[1]) {
      const want = arity[0] === arity[1] ? `${arity[0]}` : arity[1] === Infinity ? `at least ${arity[0]}` : `${arity[0]} to ${arity[1]}`;
      throw new ConditionProblem(`"${op}" takes ${want} argument(s), not ${args.length}.`, at);
    }
    const argPath = (i: number) => (Array.isArray(raw) ? `${at}[${i}]` : at);
    if (op === 'var') {
      const name = args[0];
      if (typeof name !== 'string') throw new ConditionProblem('"var" names a fact with a string.', argPath(0));
      if (!inItem && !isFact(name)) throw new ConditionProblem(`Unknown fact "${name}": see docs/automation.md for the facts a condition may read.`, argPath(0));
      if (args.length === 2) walk(args[1], argPath(1), depth + 1, inItem);
      return;
    }
    if (op === 'missing' || op === 'missing_some') {
      const names = op === 'missing' ? args : args[1];
      if (!inItem && Array.isArray(names)) names.forEach((n, i) => { if (typeof n === 'string' && !isFact(n)) throw new ConditionProblem(`Unknown fact "${n}".`, op === 'missing' ? argPath(i) : `${argPath(1)}[${i}]`); });
    }
    args.forEach((a, i) => walk(a, argPath(i), depth + 1, inItem || (ITERATING.has(op) && i > 0)));
  };
  walk(tree, base, 0, false);
}

/** The check as the API answers it: BAD_USER_INPUT naming the path. */
export function assertCondition(tree: unknown, base: string): void {
  try {
    checkCondition(tree, base);
  } catch (e) {
    if (e instanceof ConditionProblem) throw badInput(`Invalid condition at ${e.path}: ${e.message}`, e.path);
    throw e;
  }
}

/** Whether the facts match; no condition matches everything. JsonLogic's truthiness ([] and "0" are false). */
export function matches(condition: unknown, facts: Record<string, unknown>): boolean {
  if (condition === null || condition === undefined) return true;
  return jsonLogic.truthy(jsonLogic.apply(condition as jsonLogic.RulesLogic, facts));
}
