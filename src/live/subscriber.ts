// One subscription's queue. Over graphql-ws (always, in the engine) the subscriber has a socket of its
// own to write to: the fan-out hands it the `next` message of each event, already executed and serialized
// for every subscriber that asked the same thing (audience.ts), and the subscriber writes it when the
// socket took the previous one. Without a socket (a caller of graphql's subscribe directly) graphql-ws or
// the caller pulls the events and executes each itself. Either way the queue is bounded: a client that
// falls too far behind is ended with an error instead of holding memory or anyone else up.
import { OrdoError } from '../kernel/errors.js';
import type { Principal } from '../kernel/auth.js';
import { NextPayload, sendNext, WRITES_ITSELF, type MessageSocket, type WritesItself } from '../kernel/ws-operations.js';
import type { Audience } from './audience.js';

/** A socket a subscriber writes its own messages to: the subscription's id on it and what it shares. */
export interface SubscriberSocket {
  /** The graphql-ws operation id (every message about the subscription carries it). */
  readonly id: string;
  readonly socket: MessageSocket;
  /** Its `next` frames are written to the connection directly (kernel/ws-operations.ts writesFramesDirectly). */
  readonly direct?: boolean;
  /** The subscribers whose selection, variables and grant are the same: one execution per event for all. */
  readonly audience: Audience;
}

const OPEN = 1; // WebSocket.OPEN

export class LiveSubscriber<T> implements AsyncIterableIterator<T>, WritesItself {
  /**
   * Events (pulled) or messages not yet handed to the socket (written): an audience's payload, shared by
   * every member that waits for it, or a message of its own.
   */
  private queue: unknown[] = [];
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private error: Error | null = null;
  private done = false;
  /** A message was handed to the socket and it has not taken it yet (ws calls back when it has). */
  private writing = false;
  private ended: (() => void) | null = null;

  constructor(
    readonly principal: Principal,
    /** The raw `Authorization` value the subscription started with (re-checked for order access tokens). */
    readonly authorization: string | undefined,
    private readonly maxQueue: number,
    private readonly onClose: (s: LiveSubscriber<T>) => void,
    /** Set when the subscriber writes its own `next` messages (see the top of this file). */
    readonly wire?: SubscriberSocket,
  ) {}

  get closed(): boolean {
    return this.done || this.error !== null;
  }

  /** graphql-ws takes a written subscription as it is (no mapping of events through execute). */
  get [WRITES_ITSELF](): boolean {
    return this.wire !== undefined;
  }

  whenEnded(f: () => void): void {
    if (this.closed) f();
    else this.ended = f;
  }

  private close(): void {
    this.onClose(this);
    const f = this.ended;
    this.ended = null;
    f?.();
  }

  /** An event for a pulled subscription: handed to a waiting reader, or queued. */
  push(value: T): void {
    if (this.done || this.error) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value, done: false });
      return;
    }
    this.enqueue(value);
  }

  /**
   * A `next` message for a written subscription, in event order: straight to the socket when it has taken
   * the previous one, else queued (bounded as pulled events are).
   */
  send(message: NextPayload | string): void {
    if (this.done || this.error) return;
    if (this.writing || this.queue.length) this.enqueue(message);
    else this.write(message);
  }

  private enqueue(value: unknown): void {
    if (this.queue.length >= this.maxQueue) {
      this.fail(new OrdoError('RATE_LIMITED', `This subscriber fell more than ${this.maxQueue} events behind and was ended; subscribe again.`));
      return;
    }
    this.queue.push(value);
  }

  private write(message: NextPayload | string): void {
    const { socket, id, direct } = this.wire!;
    // A closing socket: graphql-ws ends the subscription (return()) when the close completes.
    if (socket.readyState !== OPEN) return;
    this.writing = true;
    if (message instanceof NextPayload) {
      // Taken at once by the connection (the usual case): nothing waits, the next message goes straight on.
      if (sendNext(socket, direct, id, message, this.written)) this.writing = false;
    } else socket.send(message, this.written);
  }

  /** One callback per subscriber, not one closure per message: the socket took the last one (or failed). */
  private readonly written = (err?: Error | null): void => {
    this.writing = false;
    // A failed write means a closing socket: graphql-ws ends the subscription; nothing more is kept for it.
    if (err) this.queue.length = 0;
    if (err || this.done || this.error) return;
    // What waited meanwhile, until the socket again has to be waited for (or is closing).
    while (!this.writing && this.queue.length) this.write(this.queue.shift() as NextPayload | string);
  };

  /** Ends the subscription with an error (the client gets an `error` message for it). */
  fail(error: Error): void {
    if (this.done || this.error) return;
    this.queue.length = 0;
    this.error = error;
    this.close();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.done = true;
      w.reject(error);
    }
  }

  /** A written subscription never yields: it waits here until it ends (graphql-ws then sends `complete` or `error`). */
  next(): Promise<IteratorResult<T>> {
    if (this.queue.length && !this.wire) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.error && !this.done) {
      this.done = true;
      return Promise.reject(this.error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.reject(error);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.close();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
