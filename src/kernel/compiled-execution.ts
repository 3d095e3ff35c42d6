// Operations a client sends again and again run as compiled code (graphql-jit) instead of graphql-js's
// general executor. graphql-js walks the document and the schema anew for every request: on placeOrder that
// walk and the coercion of its variables were 6 % of the engine's CPU (self time), more than placeOrder's own code.
// graphql-jit turns one (document, operation) into a function with the selection, the variables' coercion
// and the leaves' serialization written out, and runs the schema's own resolvers, so the answers are the same.
//
// Apollo lets an executor replace graphql-js's through its gateway interface; everything before execution
// (parsing, the document cache, validation and the query limits, the plugins) is Apollo's as before.
//
// - Only documents executed `compileAfter` times are compiled (ORDO_COMPILE_AFTER): compiling costs far more
//   than one execution, and a client sending ever new documents must not make the engine compile each of them.
// - Nor documents longer than COMPILE_MAX_CHARS: compiling grows with the document, all of it on the event
//   loop (placeOrder's takes 1–3 ms, a 2.5 KB admin query 15–30 ms, an 8 KB one 60–75 ms), and the
//   operations repeated often are small (the example storefront's are under 500 characters).
// - Compiling may take COMPILE_MS_PER_SECOND on average (a token bucket, five times that at once):
//   past that, documents wait on graphql-js for their turn, so that no stream of new documents, however
//   fast, makes compiling more than a twentieth of a core.
// - The plans of at most MAX_COMPILED_DOCUMENTS documents are kept, the least recently used dropped first.
// - When the variables do not coerce (errors without data or path, from before any resolver ran), graphql-js
//   runs the request again so that the errors are in its words, as clients have always seen them.
// - A document graphql-jit cannot compile runs on graphql-js.
// - graphql-jit's errors are not graphql-js's (no `nodes`, no `extensions` unless the original had them):
//   each becomes the error graphql-js would have made, with the field nodes it was about.
import {
  execute, getLocation, Kind, locatedError,
  type DocumentNode, type ExecutionResult, type FieldNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { ApolloServerOptionsWithGateway } from '@apollo/server';

type GatewayInterface = ApolloServerOptionsWithGateway<object>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/** What the compiled path did (read by its tests, which must know which path answered). */
export const compiledStats = { answers: 0, compilations: 0 };

/** The longest document (in characters) that is compiled. */
export const COMPILE_MAX_CHARS = 4_096;
/** Milliseconds of compiling allowed per second on average (ORDO_COMPILE_MS_PER_SECOND), and in a burst five times that. */
export const COMPILE_MS_PER_SECOND = 50;
/** Documents whose plans are kept, the least recently used dropped first: each plan is code in memory. */
export const MAX_COMPILED_DOCUMENTS = 1_000;

export interface CompiledExecutorOptions {
  compileAfter: number;
  maxDocuments?: number;
  compileMsPerSecond?: number;
  compileBurstMs?: number;
}

export function compiledExecutor(schema: GraphQLSchema, o: CompiledExecutorOptions): GatewayExecutor {
  const { compileAfter, maxDocuments = MAX_COMPILED_DOCUMENTS, compileMsPerSecond = COMPILE_MS_PER_SECOND, compileBurstMs = 5 * compileMsPerSecond } = o;
  /** Milliseconds of compiling that may be spent now (refilled with time, at most the burst). */
  let budget = compileBurstMs;
  let refilledAt = performance.now();
  /** Executions so far of documents not compiled yet, per operation name ('' for the only one). */
  const seen = new WeakMap<DocumentNode, Map<string, number>>();
  /** Plans (null: graphql-jit could not compile it) per document and operation name, in order of last use. */
  const compiled = new Map<DocumentNode, Map<string, CompiledQuery | null>>();

  const planFor = (document: DocumentNode, operationName: string | undefined): CompiledQuery | null => {
    const key = operationName ?? '';
    let plans = compiled.get(document);
    const known = plans?.get(key);
    if (plans && known !== undefined) {
      compiled.delete(document);
      compiled.set(document, plans);
      return known;
    }
    let counts = seen.get(document);
    if (!counts) seen.set(document, (counts = new Map()));
    const n = (counts.get(key) ?? 0) + 1;
    if (n <= compileAfter) {
      counts.set(key, n);
      return null;
    }
    const now = performance.now();
    budget = Math.min(compileBurstMs, budget + ((now - refilledAt) * compileMsPerSecond) / 1000);
    refilledAt = now;
    // Over budget: graphql-js runs it, and the next execution asks again.
    if (budget <= 0) return null;
    counts.delete(key);
    let plan: CompiledQuery | null = null;
    compiledStats.compilations++;
    try {
      const result = compileQuery(schema, document, operationName);
      if (isCompiledQuery(result)) plan = result;
    } catch {
      // Left to graphql-js, which gives whatever error there is in its own words.
    }
    budget -= performance.now() - now;
    plans ??= new Map();
    plans.set(key, plan);
    compiled.delete(document);
    compiled.set(document, plans);
    if (compiled.size > maxDocuments) compiled.delete(compiled.keys().next().value!);
    return plan;
  };

  return async (rc) => {
    const variables = rc.request.variables;
    const operationName = rc.request.operationName ?? undefined;
    const plan = (rc.source?.length ?? Infinity) <= COMPILE_MAX_CHARS ? planFor(rc.document, operationName) : null;
    if (plan) {
      const result = await plan.query(undefined, rc.context, variables ?? {});
      // Only the variables' errors come without data and without a path: nothing has run yet, so graphql-js
      // may run it again (a mutation's resolvers never run twice).
      const variablesFailed = result.data === undefined && !!result.errors?.length && result.errors.every((e) => !e.path);
      if (!variablesFailed) {
        compiledStats.answers++;
        // graphql-js's shape and key order: errors first, when there are any.
        const data = result.data ?? null;
        const errors = result.errors?.length ? result.errors.map((e) => asGraphqlJsError(e, rc.document, rc.operation)) : undefined;
        return (errors ? { errors, data } : { data }) as ExecutionResult<Record<string, unknown>>;
      }
    }
    return (await execute({ schema, document: rc.document, contextValue: rc.context, variableValues: variables, operationName })) as ExecutionResult<Record<string, unknown>>;
  };
}

/** The error graphql-js's executor would have made: located at the field nodes the compiled one reported. */
function asGraphqlJsError(error: GraphQLError, document: DocumentNode, operation: OperationDefinitionNode): GraphQLError {
  const nodes = error.path ? fieldNodesAt(document, operation, error.path, error.locations ?? []) : [];
  const original = error.originalError;
  // Located as graphql-js locates a resolver's error (one that already has a path stays as it is).
  // graphql-jit's own errors (a null for a non-null field, a leaf it could not serialize) have no original:
  // graphql-js's have an Error of the same message.
  return locatedError(original ?? new Error(error.message), nodes.length ? nodes : undefined, error.path);
}

/** The fields of the document at a response path, among those at the reported locations. */
function fieldNodesAt(document: DocumentNode, operation: OperationDefinitionNode, path: readonly (string | number)[], locations: readonly { line: number; column: number }[]): FieldNode[] {
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  let sets: SelectionSetNode[] = [operation.selectionSet];
  let nodes: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === 'number') continue;
    nodes = [];
    const visit = (set: SelectionSetNode, depth: number): void => {
      if (depth > 64) return;
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if ((s.alias ?? s.name).value === key) nodes.push(s);
        } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet, depth + 1);
        else {
          const f = fragments.get(s.name.value);
          if (f) visit(f, depth + 1);
        }
      }
    };
    for (const set of sets) visit(set, 0);
    sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  }
  const source = document.loc?.source;
  if (!source || !locations.length) return nodes;
  const at = new Set(locations.map((l) => `${l.line}:${l.column}`));
  return nodes.filter((n) => {
    if (!n.loc) return false;
    const l = getLocation(source, n.loc.start);
    return at.has(`${l.line}:${l.column}`);
  });
}

/** Apollo's gateway interface around one fixed schema, for its executor. */
export function compiledExecution(schema: GraphQLSchema, options: CompiledExecutorOptions): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return { executor: compiledExecutor(schema, options) };
    },
    async stop() {},
  };
}
