// One subscription's queue: the fan-out pushes, graphql-ws pulls (and pulls only as fast as the socket
// takes the data). The queue is bounded: a client that falls too far behind is ended with an error
// instead of holding memory or anyone else up.
import { OrdoError } from '../kernel/errors.js';
import type { Principal } from '../kernel/auth.js';

export class LiveSubscriber<T> implements AsyncIterableIterator<T> {
  private queue: T[] = [];
  private waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private error: Error | null = null;
  private done = false;

  constructor(
    readonly principal: Principal,
    /** The raw `Authorization` value the subscription started with (re-checked for order access tokens). */
    readonly authorization: string | undefined,
    private readonly maxQueue: number,
    private readonly onClose: (s: LiveSubscriber<T>) => void,
  ) {}

  get closed(): boolean {
    return this.done || this.error !== null;
  }

  push(value: T): void {
    if (this.done || this.error) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w.resolve({ value, done: false });
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.fail(new OrdoError('RATE_LIMITED', `This subscriber fell more than ${this.maxQueue} events behind and was ended; subscribe again.`));
      return;
    }
    this.queue.push(value);
  }

  /** Ends the subscription with an error (the client gets an `error` message for it). */
  fail(error: Error): void {
    if (this.done || this.error) return;
    this.queue.length = 0;
    this.error = error;
    this.onClose(this);
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.done = true;
      w.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
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
    this.onClose(this);
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
