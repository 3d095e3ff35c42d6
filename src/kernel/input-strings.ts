// Strings a client sends that no database column can hold: a NUL character (PostgreSQL refuses the whole
// statement) or half of a UTF-16 surrogate pair (not a character at all: it cannot be stored as UTF-8,
// and breaks libraries that encode it). Refused as BAD_USER_INPUT naming the field, before anything
// runs: string literals in the document at validation, variables when the operation is resolved.
import {
  GraphQLError, Kind, getOperationAST,
  type ASTVisitor, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode, type ValidationContext, type ValueNode,
} from 'graphql';
import type { FieldProblem } from './field-errors.js';

// eslint-disable-next-line no-control-regex
const BAD = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a string, or null when it can be stored. */
export function stringProblem(s: string): string | null {
  const m = BAD.exec(s);
  if (!m) return null;
  if (m[0] === '\u0000') return 'contains a NUL character (U+0000)';
  return 'contains half of a UTF-16 surrogate pair, which is not a character';
}

export function badStringsError(problems: FieldProblem[]): GraphQLError {
  const first = problems[0];
  return new GraphQLError(`${first.path} ${first.message}.${problems.length > 1 ? ` (${problems.length - 1} more)` : ''}`, {
    extensions: { code: 'BAD_USER_INPUT', field: first.path, fields: problems.slice(0, 50), http: { status: 400 } },
  });
}

/** Validation rule: string literals in arguments (and variable defaults), named by argument path. */
export function inputStringsRule(context: ValidationContext): ASTVisitor {
  return {
    Argument(node) {
      for (const p of literalProblems(node.value, node.name.value)) context.reportError(badStringsError([p]));
    },
    VariableDefinition(node) {
      if (node.defaultValue) for (const p of literalProblems(node.defaultValue, `$${node.variable.name.value}`)) context.reportError(badStringsError([p]));
    },
  };
}

function literalProblems(value: ValueNode, path: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const todo: [ValueNode, string][] = [[value, path]];
  while (todo.length) {
    const [v, p] = todo.pop()!;
    if (v.kind === Kind.STRING) {
      const problem = stringProblem(v.value);
      if (problem) out.push({ path: p, message: problem });
    } else if (v.kind === Kind.LIST) {
      v.values.forEach((item, i) => todo.push([item, `${p}[${i}]`]));
    } else if (v.kind === Kind.OBJECT) {
      for (const f of v.fields) todo.push([f.value, `${p}.${f.name.value}`]);
    }
  }
  return out;
}

/**
 * Where each variable of an operation is used, as an argument path (`input`, `input.shippingAddress`),
 * through the fragments it spreads; each fragment is read once. Cached per parsed document.
 */
const usageCache = new WeakMap<OperationDefinitionNode, Map<string, string>>();

export function variableArgumentPaths(document: DocumentNode, operation: OperationDefinitionNode): Map<string, string> {
  const cached = usageCache.get(operation);
  if (cached) return cached;
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(d.name.value)) fragments.set(d.name.value, d.selectionSet);
  const paths = new Map<string, string>();
  const seen = new Set<string>();
  const sets: SelectionSetNode[] = [operation.selectionSet];
  while (sets.length) {
    for (const sel of sets.pop()!.selections) {
      for (const d of sel.directives ?? []) for (const a of d.arguments ?? []) noteVariables(a.value, `@${d.name.value}.${a.name.value}`, paths);
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f && !seen.has(sel.name.value)) {
          seen.add(sel.name.value);
          sets.push(f);
        }
        continue;
      }
      if (sel.kind === Kind.FIELD) for (const a of sel.arguments ?? []) noteVariables(a.value, a.name.value, paths);
      if (sel.selectionSet) sets.push(sel.selectionSet);
    }
  }
  usageCache.set(operation, paths);
  return paths;
}

function noteVariables(value: ValueNode, path: string, into: Map<string, string>): void {
  const todo: [ValueNode, string][] = [[value, path]];
  while (todo.length) {
    const [v, p] = todo.pop()!;
    if (v.kind === Kind.VARIABLE) {
      if (!into.has(v.name.value)) into.set(v.name.value, p);
    } else if (v.kind === Kind.LIST) {
      v.values.forEach((item, i) => todo.push([item, `${p}[${i}]`]));
    } else if (v.kind === Kind.OBJECT) {
      for (const f of v.fields) todo.push([f.value, `${p}.${f.name.value}`]);
    }
  }
}

/** Problems in the request's variables (at any depth), each named by the argument path it lands on. */
export function variableProblems(document: DocumentNode, operationName: string | null | undefined, variables: unknown): FieldProblem[] {
  if (!variables || typeof variables !== 'object') return [];
  const operation = getOperationAST(document, operationName);
  const paths = operation ? variableArgumentPaths(document, operation) : new Map<string, string>();
  const out: FieldProblem[] = [];
  // Iterative: a deeply nested JSON body must not exhaust the stack.
  const todo: [unknown, string][] = Object.entries(variables as Record<string, unknown>).map(([k, v]) => [v, paths.get(k) ?? `$${k}`]);
  for (const k of Object.keys(variables)) {
    const keyProblem = stringProblem(k);
    if (keyProblem) out.push({ path: '$variables', message: `has a name that ${keyProblem}` });
  }
  // Breadth first (a queue read by index): shallow fields are named first.
  for (let i = 0; i < todo.length && out.length < 50; i++) {
    const [v, p] = todo[i];
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) out.push({ path: p, message: problem });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => todo.push([item, `${p}[${i}]`]));
    } else if (v && typeof v === 'object') {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        const keyProblem = stringProblem(k);
        if (keyProblem) out.push({ path: p, message: `has a key that ${keyProblem}` });
        todo.push([item, `${p}.${k}`]);
      }
    }
  }
  return out;
}
