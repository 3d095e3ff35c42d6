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

/** Forgets the operation of a context once its resolver took it (nothing kept per open subscription for it). */
export function releaseWsOperation(ctx: object): void {
  operations.delete(ctx);
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
 * The serialized `payload` of a `next` message that many sockets get (one execution for an audience):
 * its text, and the bytes every one of their frames ends with (the payload and the message's closing
 * brace), encoded once for all of them.
 */
export class NextPayload {
  private tail: Buffer | null = null;

  constructor(readonly json: string) {}

  get bytes(): Buffer {
    return (this.tail ??= Buffer.from(`${this.json}}`));
  }
}

/** What a subscriber writes to: ws's WebSocket, or anything with its `readyState` and `send(data, cb)`. */
export interface MessageSocket {
  readonly readyState: number;
  send(data: string, cb?: (err?: Error) => void): void;
}

type FrameSink = {
  readonly writable: boolean;
  write(data: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
};

const sinkOf = (socket: MessageSocket): FrameSink | null => (socket as unknown as { _socket?: FrameSink | null })._socket ?? null;

/**
 * Whether `next` frames may be written to the connection under this ws WebSocket directly: a server-side
 * socket (unmasked frames) with no extension negotiated (permessage-deflate is off on the engine's
 * server: with it, ws's sender may hold frames back while it compresses, and ours would overtake them).
 * ws's sender writes every other frame to that connection at once and in order, so a `next` frame written
 * there keeps its place among graphql-ws's own messages. Checked once, when the subscription starts.
 */
export function writesFramesDirectly(socket: MessageSocket): boolean {
  const ws = socket as unknown as { _isServer?: boolean; extensions?: unknown };
  const sink = sinkOf(socket);
  return !!sink && typeof sink.write === 'function' && typeof sink.once === 'function' && ws._isServer === true && ws.extensions === '';
}

const NEXT_HEAD = '{"id":';
const NEXT_MID = ',"type":"next","payload":';
/** An id that JSON.stringify writes as it is, between quotes (no quote, backslash, control character or surrogate). */
const PLAIN_ID = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * The WebSocket frame of a `next` message (text, final, unmasked as a server sends it) in one buffer: the
 * bytes `nextMessage(id, payload.json)` would be, after the frame header. One allocation per socket (from
 * Node's buffer pool) and one write, where ws's send makes its options twice, a header buffer, a corked
 * pair of writes (a buffer list, a writev request and, on uncorking, a fresh list that the socket's stream
 * keeps until its next write) and a tick for the callback: with 10,000 sockets, half of what an event
 * allocated (one scavenge per event instead of two). ws's `bufferedAmount` does not count these frames
 * (nothing here reads it).
 */
export function nextFrame(id: string, payload: NextPayload): Buffer {
  const tail = payload.bytes;
  const plain = PLAIN_ID.test(id);
  const idJson = plain ? id : JSON.stringify(id);
  const idLength = Buffer.byteLength(idJson) + (plain ? 2 : 0);
  const length = NEXT_HEAD.length + idLength + NEXT_MID.length + tail.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN, text
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  let at = header + frame.write(NEXT_HEAD, header, 'latin1');
  if (plain) frame[at++] = 0x22;
  at += frame.write(idJson, at, 'utf8');
  if (plain) frame[at++] = 0x22;
  at += frame.write(NEXT_MID, at, 'latin1');
  tail.copy(frame, at);
  return frame;
}

/**
 * Writes a `next` message for operation `id`: as one frame straight to the connection when `direct`
 * (writesFramesDirectly said so when it started), else through the socket's own send. Returns true when
 * the connection took it at once (written, or buffered below its high-water mark; nothing more is
 * allocated for it: no callback, no tick); otherwise `cb` is called once the socket can take more (the
 * connection's `drain`, or ws's callback, with an error if the data could not be sent).
 */
export function sendNext(socket: MessageSocket, direct: boolean | undefined, id: string, payload: NextPayload, cb: (err?: Error | null) => void): boolean {
  const sink = direct ? sinkOf(socket) : null;
  if (sink) {
    // A connection that is closing: graphql-ws ends the subscription once the close completes.
    if (!sink.writable) return true;
    if (sink.write(nextFrame(id, payload))) return true;
    sink.once('drain', cb);
    return false;
  }
  socket.send(nextMessage(id, payload.json), cb);
  return false;
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
  const documents = new Map<string, { document: DocumentNode; query: string }>();
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
      const known = documents.get(payload.query);
      let document: DocumentNode;
      // graphql-ws keeps the subscribe message as long as the operation runs: the text it holds is the
      // cached one (10,000 sockets sending the same query keep one string, not 10,000).
      if (known) {
        document = known.document;
        (payload as { query: string }).query = known.query;
      } else {
        try {
          document = parse(payload.query, { maxTokens: o.maxTokens });
        } catch (e) {
          return refused([coded(e, 'GRAPHQL_PARSE_FAILED')]);
        }
        const invalid = validate(o.schema, document, rules);
        if (invalid.length) return refused(invalid.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED')), document);
        if (documents.size >= DOCUMENTS) for (const old of documents.keys()) { documents.delete(old); if (documents.size <= DOCUMENTS / 2) break; }
        if (payload.query.length <= DOCUMENT_CHARS) documents.set(payload.query, { document, query: payload.query });
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
