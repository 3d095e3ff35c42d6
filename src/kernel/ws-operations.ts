// The same door for operations over graphql-ws as over HTTP: parsed with the same token bound, validated
// with the same limits (checked first) and input-string rule, variables checked before execution, and
// every error formatted by the same formatter (codes, fields, internal errors logged with a reference).
// Identical query texts share one parsed and validated document (10,000 sockets following one order send
// the same text: one AST instead of 10,000, and one validation). A subscription resolver may write its own
// `next` messages (src/live: one execution per event for many sockets): `wsOperationOf(ctx)` gives it the
// socket, the operation's id and the same formatting of results as `onNext`.
import type { WebSocket } from 'ws';
import {
  GraphQLError, NoSchemaIntrospectionCustomRule, createSourceEventStream, execute, parse, specifiedRules, validate,
  type DocumentNode, type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { annotateFieldErrors } from './field-errors.js';
import { badStringsError, inputStringsRule, variableProblems } from './input-strings.js';

type Formatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
type Hooks = Pick<ServerOptions, 'onSubscribe' | 'onOperation' | 'onNext' | 'onError' | 'subscribe'>;

export interface WsOperationOptions {
  schema: GraphQLSchema;
  limits: ValidationRule;
  maxTokens: number;
  introspection: boolean;
  formatError: Formatter;
  /** Wraps a subscription's stream once it starts (to count it while it is open: metrics). */
  subscriptionStarted?: <T>(stream: AsyncGenerator<T>) => AsyncGenerator<T>;
  /**
   * Told instead when the stream writes itself; it says when it ends (`whenEnded`). A wrapper's async
   * next() and its promises would be kept for each open subscription (about 1 kB) only to count it.
   */
  selfWrittenStarted?: (stream: WritesItself) => void;
  /** Told of each operation: started or answered (`ok` or the first error's code), or refused before it ran. */
  observe?: (document: DocumentNode | undefined, operationName: string | null | undefined, outcome: string) => void;
}

/** Distinct query texts whose parsed and validated document is kept (the oldest half is dropped beyond)… */
const DOCUMENTS = 500;
/** …when they are at most this long (a bound on what the cache holds). */
const DOCUMENT_CHARS = 8_000;

/** One graphql-ws operation, as a resolver that writes its own messages sees it. */
export interface WsOperation {
  /** The client's id of the operation: every message about it carries it. */
  readonly id: string;
  readonly socket: WebSocket;
  /** Its schema, document (one object per distinct query text), operation name and raw variables. */
  readonly args: ExecutionArgs;
  /** The `payload` of the `next` message of a result, exactly as `onNext` makes it (errors annotated and formatted). */
  readonly payloadOf: (result: ExecutionResult, args: ExecutionArgs) => ExecutionResult | FormattedExecutionResult;
}

// Keyed by the operation's context (the object resolvers get), so nothing needs a field on OrdoContext.
const operations = new WeakMap<object, WsOperation>();

/** The graphql-ws operation a context belongs to (absent over HTTP). */
export function wsOperationOf(ctx: object): WsOperation | undefined {
  return operations.get(ctx);
}

export function bindWsOperation(ctx: object, op: WsOperation): void {
  operations.set(ctx, op);
}

/**
 * A `next` message of the graphql-transport-ws protocol from an already serialized payload. graphql-ws
 * sends `JSON.stringify({ id, type: 'next', payload })` (stringifyMessage, no replacer set here): the same
 * bytes, built without serializing the payload again for every socket.
 */
export function nextMessage(id: string, payloadJson: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":${payloadJson}}`;
}

/**
 * Carried (true) by a source stream that writes its own `next` messages (src/live/subscriber.ts): it
 * yields nothing, so graphql-ws gets it as it is rather than mapped through execute per event.
 */
export const WRITES_ITSELF = Symbol('ordo.writesItself');

/** A source stream that writes its own messages. */
export interface WritesItself {
  readonly [WRITES_ITSELF]: boolean;
  /** Calls `f` once when the subscription ends, however it ends (error, `complete`, closed socket). */
  whenEnded(f: () => void): void;
}

const writesItself = (v: unknown): v is WritesItself => (v as { [WRITES_ITSELF]?: boolean })[WRITES_ITSELF] === true;

/**
 * graphql's subscribe, except that a stream that writes itself is not wrapped: graphql's mapping would
 * keep an iterator, six closures, a suspended async call and its promises per open subscription for
 * events that never come through it (about 1 kB each, 10 MB for 10,000 sockets).
 */
async function subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(source))) return source as ExecutionResult;
  if (writesItself(source)) return source as unknown as AsyncIterable<ExecutionResult>;
  return executedPerEvent(source as AsyncIterable<unknown>, args);
}

/**
 * What graphql's subscribe returns: each event executed with the operation (event as root value). Not an
 * async generator function: its return() would wait for the pending next() (an event that may never
 * come) before ending the source, and graphql-ws ends a subscription with return().
 */
function executedPerEvent(source: AsyncIterable<unknown>, args: ExecutionArgs): AsyncGenerator<ExecutionResult> {
  const it = source[Symbol.asyncIterator]();
  const close = async () => {
    try { await it.return?.(); } catch { /* the first error is the one that counts */ }
  };
  const map = async (r: IteratorResult<unknown>): Promise<IteratorResult<ExecutionResult>> => {
    if (r.done) return r;
    try {
      return { value: await execute({ ...args, rootValue: r.value }), done: false };
    } catch (e) {
      await close();
      throw e;
    }
  };
  return {
    next: async () => map(await it.next()),
    return: async () => (it.return ? map(await it.return()) : { value: undefined, done: true }),
    throw: async (e: unknown) => {
      if (it.throw) return map(await it.throw(e));
      await close();
      throw e;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<ExecutionResult>;
}

/** As Apollo codes them over HTTP, so that the formatter treats both alike. */
function coded(e: unknown, code: string): GraphQLError {
  const err = e instanceof GraphQLError ? e : new GraphQLError(e instanceof Error ? e.message : String(e), { originalError: e instanceof Error ? e : undefined });
  return new GraphQLError(err.message, {
    nodes: err.nodes, source: err.source, positions: err.positions,
    originalError: err.originalError ?? err,
    extensions: { code, ...err.extensions },
  });
}

export function wsOperationHooks(o: WsOperationOptions): Hooks & { payloadOf: WsOperation['payloadOf'] } {
  const rules = [o.limits, inputStringsRule, ...specifiedRules, ...(o.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => o.formatError(e.toJSON(), e));
  // Valid documents by query text. The rules depend on the document alone (variables are checked per
  // operation below), and graphql-js never changes an AST, so operations can share one.
  const documents = new Map<string, DocumentNode>();
  const payloadOf = (result: ExecutionResult, args: ExecutionArgs): ExecutionResult | FormattedExecutionResult => {
    const errors = result.errors;
    if (!errors?.length) return result;
    annotateFieldErrors(o.schema, errors, args.document, args.operationName, args.variableValues as Record<string, unknown> | undefined);
    return { ...result, errors: format(errors) };
  };
  return {
    payloadOf,
    subscribe,
    onSubscribe: (_ctx, _id, payload) => {
      // Refused before it runs: counted with the code the client gets.
      const refused = (errors: GraphQLError[], document?: DocumentNode) => {
        o.observe?.(document, payload.operationName, String(format(errors)[0]?.extensions?.code ?? 'BAD_USER_INPUT'));
        return errors;
      };
      let document = documents.get(payload.query);
      if (!document) {
        try {
          document = parse(payload.query, { maxTokens: o.maxTokens });
        } catch (e) {
          return refused([coded(e, 'GRAPHQL_PARSE_FAILED')]);
        }
        const invalid = validate(o.schema, document, rules);
        if (invalid.length) return refused(invalid.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED')), document);
        if (documents.size >= DOCUMENTS) for (const old of documents.keys()) { documents.delete(old); if (documents.size <= DOCUMENTS / 2) break; }
        if (payload.query.length <= DOCUMENT_CHARS) documents.set(payload.query, document);
      }
      const problems = variableProblems(document, payload.operationName, payload.variables);
      if (problems.length) return refused([badStringsError(problems)], document);
      const args: ExecutionArgs = { schema: o.schema, document, operationName: payload.operationName, variableValues: payload.variables };
      return args;
    },
    onOperation: (_ctx, _id, _payload, args, result) => {
      if (isAsyncGenerator(result)) {
        o.observe?.(args.document, args.operationName, 'ok');
        if (writesItself(result) && o.selfWrittenStarted) {
          o.selfWrittenStarted(result);
          return undefined;
        }
        return o.subscriptionStarted ? (o.subscriptionStarted(result) as never) : undefined;
      }
      // A query or mutation over the socket, or a subscription refused by its resolver: its first error's code.
      const first = (result as ExecutionResult).errors?.[0];
      o.observe?.(args.document, args.operationName, first ? String(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'ok');
      return undefined;
    },
    onNext: (_ctx, _id, _payload, args, result) => {
      if (!(result as ExecutionResult).errors?.length) return undefined;
      return payloadOf(result as ExecutionResult, args) as never;
    },
    onError: (_ctx, _id, _payload, errors) => format(errors) as never,
  };
}

function isAsyncGenerator(v: unknown): v is AsyncGenerator<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as AsyncGenerator)[Symbol.asyncIterator] === 'function' && typeof (v as AsyncGenerator).next === 'function';
}
