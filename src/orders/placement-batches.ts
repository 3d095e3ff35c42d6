// Group commit of storefront orders (PostgreSQL): one-SKU placements that arrive while earlier ones are
// still with the database share one transaction (kernel/db/shared-transaction.ts): their first
// statements (variant, reservation, number) go out in one round trip, their inserts with one COMMIT.
// Nothing waits for a batch to fill: a placement starts at once when fewer than `inFlight` batches
// are out, so a lone order costs what it did; under load the ones that arrive meanwhile form the next
// batch. A batch's statements run in SKU order, so two batches take stock rows in the same order. If
// anything in a batch fails (a refusal, a conflict, a deadlock) nothing of it commits and every order
// of it runs again alone, with the same order id (the payment provider sees the same idempotency key):
// each caller's answer is then exactly what it would have been without batching. Each body runs in its
// caller's async context (its request scope, its trace: the events it records carry that trace), though
// the round trips it shares are counted for whichever caller's statements went first.
import { AsyncResource } from 'node:async_hooks';
import type { Em } from '../kernel/db/orm.js';
import { dialectOf } from '../kernel/db/dialect.js';
import { sessionTransaction, type PlainOutcome } from '../kernel/db/plain-transaction.js';
import { sharedTransaction } from '../kernel/db/shared-transaction.js';
import type { SqlRunner } from '../kernel/db/sql-runner.js';

type Body<T> = (db: SqlRunner) => Promise<PlainOutcome<T>>;

interface Waiting {
  em: Em;
  sku: string;
  body: Body<unknown>;
  resolve: (r: unknown) => void;
  reject: (e: unknown) => void;
}

export class PlacementBatches {
  private waiting: Waiting[] = [];
  private out = 0;
  private scheduled = false;

  constructor(private readonly opts: { max: number; inFlight: number; observe?: (size: number, placedAgain: boolean) => void }) {}

  /** `body` in a transaction of its own or shared with other placements', committed; its result. */
  run<T>(em: Em, sku: string, body: Body<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The caller's async context, to run its body in. Not AsyncLocalStorage.snapshot or AsyncResource.bind:
      // on Node 20 both build deprecation wrappers for every call (about 1 % of the engine's CPU).
      const callers = new AsyncResource('ordo.placement');
      const own: Body<unknown> = (db) => callers.runInAsyncScope(body as Body<unknown>, null, db);
      this.waiting.push({ em, sku, body: own, resolve: resolve as (r: unknown) => void, reject });
      // After the current turn's other requests have reached this point too (no timer: no added latency).
      if (!this.scheduled && this.out < this.opts.inFlight) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.out < this.opts.inFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, this.opts.max);
      this.out++;
      void this.settle(batch).finally(() => {
        this.out--;
        this.pump();
      });
    }
  }

  private async settle(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      this.opts.observe?.(1, false);
      return this.alone(batch[0]);
    }
    batch.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    const { withSession } = dialectOf(batch[0].em);
    let results: unknown[];
    try {
      results = await withSession!(batch[0].em, async (session) => {
        session.begin();
        try {
          return await sharedTransaction(session, batch.map((w) => w.body));
        } catch (e) {
          await session.rollback();
          throw e;
        }
      });
    } catch {
      this.opts.observe?.(batch.length, true);
      await Promise.all(batch.map((w) => this.alone(w)));
      return;
    }
    this.opts.observe?.(batch.length, false);
    batch.forEach((w, i) => w.resolve(results[i]));
  }

  /** One placement in its own transaction, as without batching. */
  private async alone(w: Waiting): Promise<void> {
    const { withSession } = dialectOf(w.em);
    try {
      w.resolve(await withSession!(w.em, (session) => sessionTransaction(session, () => w.body(session))));
    } catch (e) {
      w.reject(e);
    }
  }
}
