// An audience: the subscribers of this process that asked the same thing — the same document (one object
// per distinct query text, kernel/ws-operations.ts), operation name and variables — with the same grant
// (what their principal may see). An event is executed once per audience, not once per socket: its
// `next` payload is serialized once, and each member's socket gets that payload under its own operation
// id. With 10,000 sockets following one order that is one execution instead of 10,000.
//
// Why not through graphql-ws: it executes and serializes every event for every operation (graphql's
// subscribe maps the source stream through execute, onNext, stringifyMessage, socket.send, one promise
// chain per socket). Live subscriptions instead keep graphql-ws for the protocol — connection, subscribe,
// the checks at start, `complete`, `error`, close — while their stream never yields: the fan-out writes
// their `next` messages (kernel/ws-operations.ts nextFrame: the bytes graphql-ws would send, framed once
// per socket and written to its connection in one write; the payload's bytes encoded once per audience).
import { randomUUID } from 'node:crypto';
import { execute, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Principal } from '../kernel/auth.js';
import type { OrdoContext } from '../kernel/context.js';
import type { Em } from '../kernel/db/orm.js';
import { NextPayload, type WsOperation } from '../kernel/ws-operations.js';
import type { LiveSubscriber } from './subscriber.js';

/**
 * Sockets written before the event loop runs again: requests, socket callbacks and timers are not held
 * up, and what the writes leave behind (their requests, the frames) is let go at each turn, so that a
 * scavenge in the middle of a batch promotes little of it to the old generation.
 */
const BATCH = 100;

const turn = () => new Promise<void>((r) => setImmediate(r));

export class Audience {
  members = 0;

  constructor(
    readonly key: string,
    /** Schema, document, operation name and variables: the same for every member. */
    private readonly args: Pick<ExecutionArgs, 'schema' | 'document' | 'operationName' | 'variableValues'>,
    /** The first member's context (principal, token), copied: members differ only in what they cannot see. */
    private readonly ctx: Omit<OrdoContext, 'em' | 'loaders'>,
    private readonly payloadOf: WsOperation['payloadOf'],
  ) {}

  /**
   * The serialized `payload` of this audience's `next` message for one event. It runs as graphql's
   * subscribe would (execute with the event as root value), on a context of its own whose EntityManager
   * and DataLoaders are the event's (shared by every audience: one load per event).
   */
  async payload(root: unknown, em: Em, loaders: Map<string, any>): Promise<NextPayload> {
    const contextValue: OrdoContext = { ...this.ctx, em, loaders, requestId: randomUUID() };
    const args: ExecutionArgs = { ...this.args, rootValue: root, contextValue };
    return new NextPayload(JSON.stringify(this.payloadOf(await execute(args), args)));
  }
}

// Documents are told apart by identity (identical texts share one object); a number keeps the key short.
const documentIds = new WeakMap<DocumentNode, number>();
let lastDocumentId = 0;

/**
 * What a principal may see, as a key: everything it carries but its session (two sessions of one customer
 * or staff member see the same; keys, roles and channel scopes tell grants apart).
 */
function grantKey(p: Principal): unknown {
  const { sessionId: _session, ...grant } = p as Principal & { sessionId?: string };
  return grant;
}

/** The process's audiences by key; an audience lives while it has members. */
export class Audiences {
  private byKey = new Map<string, Audience>();

  get size(): number {
    return this.byKey.size;
  }

  join(op: WsOperation, ctx: OrdoContext, principal: Principal): Audience {
    const { schema, document, operationName, variableValues } = op.args;
    let doc = documentIds.get(document);
    if (doc === undefined) documentIds.set(document, (doc = ++lastDocumentId));
    const key = JSON.stringify([doc, operationName ?? null, variableValues ?? null, grantKey(principal)]);
    let a = this.byKey.get(key);
    if (!a) {
      // Without the member's EntityManager and DataLoaders (the operation's, dropped once it started).
      const { em: _em, loaders: _loaders, ...shared } = ctx;
      a = new Audience(key, { schema, document, operationName, variableValues }, { ...shared, principal }, op.payloadOf);
      this.byKey.set(key, a);
    }
    a.members++;
    return a;
  }

  leave(a: Audience): void {
    if (--a.members <= 0 && this.byKey.get(a.key) === a) this.byKey.delete(a.key);
  }
}

/** Subscriber sets as the fan-out holds them (an absent set: no one asked for that key). */
type Sets<T> = readonly (Set<LiveSubscriber<T>> | undefined)[];

/**
 * Hands one event to the subscribers in `sets` that write their own messages: executed once per audience
 * among them, then each message given to its subscriber (whose socket takes it now, or queues it), BATCH
 * sockets per turn of the event loop. The sets are the fan-out's own, walked twice rather than copied (a
 * copy of 10,000 subscribers per event would outlive scavenges: old-generation garbage); one that leaves
 * meanwhile is skipped, one that joins an audience meanwhile gets the event too, one that joins a new
 * audience gets the next. Resolves when every subscriber has its message: the next event follows it, so
 * each socket gets events in order. Returns how many were handed out and how many subscribers were
 * closed meanwhile (or ended now as too slow).
 *
 * The walks are plain functions, not loops of this async one: V8 cannot optimize a loop inside an async
 * function while it runs (no on-stack replacement for resumable functions), and one call per event is too
 * few for it to be optimized as a whole, so each step of its walk would allocate an iterator result (17 %
 * of what an event allocated with 10,000 subscribers). `deliverSome`, called a hundred times per event,
 * is optimized at once and its iterator results never reach the heap.
 */
export async function broadcast<T>(
  sets: Sets<T>, root: unknown, em: Em, loaders: Map<string, any>, onError: (err: unknown) => void,
): Promise<{ delivered: number; dropped: number }> {
  const executions = executionsOf(sets, root, em, loaders, onError);
  const payloads = new Map<Audience, NextPayload | null>();
  for (const [a, p] of executions) payloads.set(a, await p);
  const walk: Walk<T> = { sets, set: 0, at: null, payloads, delivered: 0, dropped: 0 };
  while (!deliverSome(walk)) await turn();
  return { delivered: walk.delivered, dropped: walk.dropped };
}

/** One execution started per audience among the subscribers of `sets`. */
function executionsOf<T>(
  sets: Sets<T>, root: unknown, em: Em, loaders: Map<string, any>, onError: (err: unknown) => void,
): Map<Audience, Promise<NextPayload | null>> {
  const executions = new Map<Audience, Promise<NextPayload | null>>();
  const failed = (err: unknown) => {
    onError(err);
    return null;
  };
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i];
    if (set === undefined) continue;
    for (const s of set) {
      const a = s.wire?.audience;
      if (a !== undefined && !executions.has(a)) executions.set(a, a.payload(root, em, loaders).catch(failed));
    }
  }
  return executions;
}

/** Where the delivery of one event stands: the set and the position in it, and the counts so far. */
interface Walk<T> {
  readonly sets: Sets<T>;
  set: number;
  at: Iterator<LiveSubscriber<T>> | null;
  readonly payloads: Map<Audience, NextPayload | null>;
  delivered: number;
  dropped: number;
}

/** Hands the event to the next BATCH subscribers of the walk; true when none is left. */
function deliverSome<T>(w: Walk<T>): boolean {
  let written = 0;
  while (written < BATCH) {
    if (w.at === null) {
      if (w.set >= w.sets.length) return true;
      const set = w.sets[w.set++];
      if (set !== undefined) w.at = set.values();
      continue;
    }
    const step = w.at.next();
    if (step.done) {
      w.at = null;
      continue;
    }
    const s = step.value;
    const payload = s.wire && w.payloads.get(s.wire.audience);
    if (!payload) continue;
    s.send(payload);
    if (s.closed) w.dropped++;
    else w.delivered++;
    written++;
  }
  return false;
}
