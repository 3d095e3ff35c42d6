// Which input fields a BAD_USER_INPUT error is about, as `extensions.fields: [{ path, message }]` with
// paths from the argument (`input.lines[0].quantity`), so a form can mark every failing field at once.
// Three sources: class-validator's errors (type-graphql's ArgumentValidationError), graphql-js's
// variable coercion errors, and OrdoErrors thrown with a field (errors.ts: badInput). The first two
// need the request's document and variables to name the argument: `annotateFieldErrors` works them out
// while the request is at hand and the error formatter reads them (fieldsOf).
import { Kind, getNamedType, getOperationAST, typeFromAST, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { variableArgumentPaths } from './input-strings.js';

export interface FieldProblem {
  path: string;
  message: string;
}

const annotated = new WeakMap<object, FieldProblem[]>();

/** The fields worked out for this error (by annotateFieldErrors), if any. */
export function fieldsOf(error: unknown): FieldProblem[] | undefined {
  return error && typeof error === 'object' ? annotated.get(error) : undefined;
}

interface ValidationProblem {
  property?: unknown;
  constraints?: unknown;
  children?: unknown;
}

/**
 * class-validator's nested errors as flat field problems. Defensive: a validator that throws (validator.js
 * on a lone surrogate) rejects with an Error instead of a list, and that must not crash the formatter.
 */
export function validationProblems(errors: unknown, prefix = ''): FieldProblem[] | null {
  if (!Array.isArray(errors)) return null;
  const out: FieldProblem[] = [];
  const todo: [unknown, string][] = errors.map((e) => [e, prefix]);
  for (let i = 0; i < todo.length && out.length < 100; i++) {
    const [raw, base] = todo[i];
    if (!raw || typeof raw !== 'object') continue;
    const e = raw as ValidationProblem;
    const prop = typeof e.property === 'string' || typeof e.property === 'number' ? String(e.property) : '?';
    const path = /^\d+$/.test(prop) ? `${base}[${prop}]` : base ? `${base}.${prop}` : prop;
    if (e.constraints && typeof e.constraints === 'object') {
      for (const m of Object.values(e.constraints as Record<string, unknown>)) out.push({ path, message: String(m) });
    }
    if (Array.isArray(e.children)) for (const c of e.children) todo.push([c, path]);
  }
  return out;
}

const COERCION = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" (?:got invalid value .*?(?: at "([^"]*)")?; ([\s\S]*)|of (?:required|non-null) type "[^"]*" (?:was not provided|must not be null)\.)$/;

/**
 * graphql-js's variable coercion message as a field problem: `Variable "$i" got invalid value "x" at
 * "i.lines[0].quantity"; Int cannot represent …` becomes `input.lines[0].quantity` when $i is the
 * `input` argument. A missing or unknown input field is named too (`input.email`).
 */
export function coercionProblem(message: string, argumentOf: (variable: string) => string | undefined): FieldProblem | null {
  const m = COERCION.exec(message);
  if (!m) return null;
  const [, variable, at, detail] = m;
  const base = argumentOf(variable) ?? `$${variable}`;
  let path = at ? base + at.slice(variable.length) : base;
  const field = detail ? /^Field "([_A-Za-z][_0-9A-Za-z]*)" (?:of required type .* was not provided|is not defined by type)/.exec(detail) : null;
  if (field) path = `${path}.${field[1]}`;
  return { path, message: detail ? detail.replace(/\.$/, '') : 'is required' };
}

/**
 * Works out `fields` for the errors of one request, given its document and variables. The argument an
 * ArgumentValidationError belongs to is the field's one object-valued argument (type-graphql validates
 * only objects), or the one whose declared input type the failing object is an instance of.
 */
export function annotateFieldErrors(schema: GraphQLSchema, errors: readonly GraphQLError[], document: DocumentNode | undefined, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): void {
  const operation = (document ? getOperationAST(document, operationName) : null) ?? null;
  const usage = document && operation ? variableArgumentPaths(document, operation) : undefined;
  for (const error of errors) {
    try {
      const original = error.originalError;
      if (original instanceof ArgumentValidationError) {
        const problems = validationProblems(original.extensions?.validationErrors, argumentName(schema, error, original, operation, variables ?? undefined) ?? '');
        if (problems?.length) annotated.set(error, problems);
      } else if (error.nodes?.[0]?.kind === Kind.VARIABLE_DEFINITION) {
        const p = coercionProblem(error.message, (v) => usage?.get(v));
        if (p) annotated.set(error, [p]);
      }
    } catch {
      // Naming fields is a courtesy: the error still goes out with its code and message.
    }
  }
}

function argumentName(schema: GraphQLSchema, error: GraphQLError, original: ArgumentValidationError, operation: OperationDefinitionNode | null, variables: Record<string, unknown> | undefined): string | undefined {
  const node = error.nodes?.[0];
  if (node?.kind !== Kind.FIELD || !node.arguments?.length) return undefined;
  const objectArgs = node.arguments.filter((a) => {
    const v = a.value;
    if (v.kind === Kind.OBJECT || v.kind === Kind.LIST) return true;
    if (v.kind !== Kind.VARIABLE) return false;
    const value = variables?.[v.name.value];
    return value !== null && typeof value === 'object';
  });
  if (objectArgs.length === 1) return objectArgs[0].name.value;
  // Several object arguments: the one whose variable is declared with the failing object's input type.
  const target = (original.extensions?.validationErrors as { target?: object }[] | undefined)?.[0]?.target;
  const typeName = target?.constructor?.name;
  if (!typeName || !operation) return undefined;
  const declared = (name: string) => {
    const def = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    const type = def ? typeFromAST(schema, def.type as never) : undefined;
    return type ? getNamedType(type).name : undefined;
  };
  return objectArgs.find((a) => a.value.kind === Kind.VARIABLE && declared(a.value.name.value) === typeName)?.name.value;
}
