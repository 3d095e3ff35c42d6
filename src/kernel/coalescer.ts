// Calls that arrive together run together: a worker's concurrent jobs hand their items to one batch
// (one transaction, a few statements for all of them) instead of a transaction each. The batch runs
// once `max` items wait or `delayMs` after the first; under no load an item waits `delayMs` at most.
// `delayMs: 0` waits for nothing but what the same turn of the event loop adds (setImmediate): a GraphQL
// request's loaders of one level, which are dispatched together.
// A batch that fails runs its items one by one, so that one item's trouble (a conflict, a refusal) is
// its own caller's error and not its neighbours'. A batch runs in the async context of the call that
// started it (its trace span, its statement count): a batch of one is its caller's own work; callers
// that want something of theirs on each item's rows (their trace) pass it with the item.
// `serial`: one batch at a time. What arrives while a batch runs waits for it to end and then goes at
// once, as the next batch (a failed batch's items, run one by one, also one after another). For batches
// that take a lock every other batch wants (a rollup's day rows, a channel's invoice numbers): a
// process's batches would otherwise queue inside the database, each holding a connection while it waits.

export class Coalescer<I, R> {
  private waiting: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  /** A batch runs (serial only). */
  private running = false;

  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly opts: { delayMs: number; max: number; serial?: boolean },
  ) {}

  /** The item's result, once its batch ran. */
  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      // Serial: the batch that runs starts the next when it ends.
      if (this.running) return;
      if (this.waiting.length >= this.opts.max) void this.flush();
      else this.timer ??= this.opts.delayMs > 0 ? setTimeout(() => void this.flush(), this.opts.delayMs) : setImmediate(() => void this.flush());
    });
  }

  /**
   * Runs what waits now; settles once that batch did. Serial, while a batch runs: nothing (that batch
   * starts the next when it ends).
   */
  flush(): Promise<void> {
    if (this.timer) {
      if (this.opts.delayMs > 0) clearTimeout(this.timer as NodeJS.Timeout);
      else clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = null;
    if (!this.opts.serial) {
      const batch = this.waiting;
      this.waiting = [];
      return batch.length ? this.settle(batch) : Promise.resolve();
    }
    if (this.running || !this.waiting.length) return Promise.resolve();
    const batch = this.waiting.splice(0, this.opts.max);
    this.running = true;
    return this.settle(batch).finally(() => {
      this.running = false;
      // What arrived meanwhile: the next batch, now.
      if (this.waiting.length) void this.flush();
    });
  }

  private async settle(batch: typeof this.waiting): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      const alone = (b: (typeof batch)[number]) => this.run([b.item]).then((r) => b.resolve(r[0]), b.reject);
      // Serial: one at a time too.
      if (this.opts.serial) for (const b of batch) await alone(b);
      else await Promise.all(batch.map(alone));
    }
  }
}
