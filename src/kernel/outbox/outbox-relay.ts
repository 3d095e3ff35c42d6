// After a commit, the relay claims unpublished events, adds their jobs to the queue (groups of the
// events published for the first time, a job of its own for a replayed one: event-group.ts) and
// publishes them to pub/sub. A job marks each of its events processed when every handler of it has run.
// The sweeper puts back what was published but never processed (a crashed worker, a flushed Redis), so
// nothing is lost.
import type { AppRuntime } from '../runtime.js';
import type { Em } from '../db/orm.js';
import { sqlCounter } from '../db/sql-counter.js';
import { dialectOf } from '../db/dialect.js';
import { postgresqlDialect } from '../db/postgresql-dialect.js';
import type { SqlMethod } from '../db/sql-runner.js';
import { untraced } from '../tracing.js';
import { eventJobs, type ToQueue } from './event-group.js';
import { toEvent, type EventRow } from './event-row.js';
import { ClaimFloor } from './claim-floor.js';

export const EVENTS_QUEUE = 'events';
export const EVENT_TOPIC = 'ordo.event';
const BATCH = 200;
const KICK_DELAY_MS = 3;
/**
 * Under load (commits arriving while a pass runs) passes start at least this far apart, so that each one
 * carries the events of many commits: a pass costs the same two statements (claim, mark) for one event or for 200.
 * Idle, an event still leaves KICK_DELAY_MS after its commit.
 */
const BUSY_PASS_GAP_MS = 10;
/** The columns a claim answers. Named, not `*`: a statement with a star is never prepared (pg-prepared.ts). */
const CLAIMED = ['id', 'type', 'aggregate_id', 'payload', 'created_at_ms', 'trace_parent', 'attempts', 'job_key'];
/** An event replayed this many times without being processed is left to the failed-jobs list. */
const MAX_REPLAYS = 20;

type Row = EventRow & {
  /** Claims so far, this one included: more than one is a replay. */
  attempts: number | string;
  job_key: string | null;
};

export class OutboxRelay {
  private running: Promise<void> | null = null;
  private again = false;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private pending: NodeJS.Timeout | null = null;
  /** Where a claim starts on PostgreSQL (claim-floor.ts); SQLite rewrites rows in place and claims from 0. */
  private readonly floor = new ClaimFloor();

  constructor(private readonly app: AppRuntime) {}

  start(pollMs = 1000): void {
    const poll = setInterval(() => this.kick(), pollMs);
    // Each sweep also has the next claim look at every unpublished event (claim-floor.ts): expired claims,
    // events another process's sweeper put back.
    const sweep = setInterval(() => {
      this.floor.rescan();
      void this.sweep().catch((err) => this.app.log.warn({ err }, 'outbox sweep failed'));
    }, Math.max(200, this.app.config.outboxRetryMs / 2));
    poll.unref();
    sweep.unref();
    this.timers.push(poll, sweep);
    this.kick();
  }

  /**
   * Called after every commit; runs at most one relay pass at a time and another when asked meanwhile.
   * A pass starts a few milliseconds late, so that under load one pass carries the events of many commits.
   */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.pass();
    }, KICK_DELAY_MS);
  }

  private pass(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Outside the request's async context: the relay's statements are not the request's (nor in its trace).
    this.running = untraced(() => sqlCounter.exit(async () => {
      do {
        this.again = false;
        const started = performance.now();
        try {
          while ((await this.relayBatch()) === BATCH && !this.stopped);
        } catch (err) {
          this.floor.rescan(); // a claim that went wrong may leave events claimed below the floor
          this.app.log.warn({ err }, 'outbox relay pass failed; it runs again on the next poll');
        }
        const wait = started + BUSY_PASS_GAP_MS - performance.now();
        if (this.again && !this.stopped && wait > 0) await new Promise((r) => setTimeout(r, wait));
      } while (this.again && !this.stopped);
    })).finally(() => (this.running = null));
  }

  /** Resolves when nothing is left to relay (tests and shutdown). */
  async drain(): Promise<void> {
    while (this.running || this.pending) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, KICK_DELAY_MS));
    }
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.stopped = true;
    await this.drain();
  }

  /**
   * One of the relay's statements, on its own. On PostgreSQL through a session (pg-session.ts): the claim's
   * text is the same every pass, so it is prepared (pg-prepared.ts) and PostgreSQL skips its parse and plan, and neither
   * knex's query machinery nor a forked EntityManager runs for it (under load a pass runs every 10 ms, in
   * the API and in every worker). Not in a shared trip: the claim must be a transaction of its own.
   */
  private run(sql: string, params: unknown[], method: SqlMethod = 'all'): Promise<any> {
    const em = this.app.orm.em as Em;
    const { withSession } = dialectOf(em);
    if (!withSession) return em.fork().execute(sql, params, method);
    return withSession(em, (session) => session.execute(sql, params, method));
  }

  private async relayBatch(): Promise<number> {
    const now = Date.now();
    const dialect = dialectOf(this.app.orm.em as Em);
    const pg = dialect.name === 'postgresql';
    const pick = `SELECT id FROM outbox_event WHERE published_at_ms IS NULL${pg ? ' AND id > ?' : ''} AND (claimed_until_ms IS NULL OR claimed_until_ms < ?) ORDER BY id LIMIT ${BATCH}${dialect.forUpdate({ skipLocked: true })}`;
    // Relays of other processes claim at the same time: on PostgreSQL each skips the rows another is
    // claiming rather than waiting for them (Dialect.forUpdate); SQLite has one writer at a time.
    const claim = `UPDATE outbox_event SET claimed_until_ms = ?, attempts = attempts + 1 WHERE id IN (${pick}) RETURNING ${CLAIMED.join(', ')}`;
    // A claim lasts the retry interval: events a relay claimed and then died on are relayed again after it.
    const until = now + this.app.config.outboxRetryMs;
    let rows: Row[];
    if (pg) {
      const { from, token } = this.floor.start();
      // The claim above the floor, with what its snapshot saw (one statement, one snapshot): the floor's
      // next step (claim-floor.ts). The snapshot's row comes back even when nothing is claimed.
      const answer: (Partial<Row> & { snap_top: string | null; snap_xmin: string; snap_xmax: string })[] = await this.run(
        `WITH snap AS (SELECT (SELECT max(id) FROM outbox_event) AS snap_top, pg_snapshot_xmin(pg_current_snapshot())::text AS snap_xmin,
           pg_snapshot_xmax(pg_current_snapshot())::text AS snap_xmax), claimed AS (${claim})
         SELECT ${CLAIMED.map((c) => `claimed.${c}`).join(', ')}, snap.snap_top, snap.snap_xmin, snap.snap_xmax FROM snap LEFT JOIN claimed ON true`,
        [until, from, now],
      );
      rows = answer.filter((r) => r.id != null) as Row[];
      if (rows.length < BATCH) this.floor.passed({ top: Number(answer[0].snap_top ?? 0), xmin: BigInt(answer[0].snap_xmin), xmax: BigInt(answer[0].snap_xmax) }, token);
    } else {
      rows = await this.run(claim, [until, now]);
    }
    if (!rows.length) return 0;
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    const handled: number[] = [];
    const unhandled: number[] = [];
    const toQueue: ToQueue[] = [];
    const events = rows.map(toEvent);
    for (const [i, event] of events.entries()) {
      if (this.app.events.handles(this.app, event)) {
        // The handlers run in a span under the trace the event was recorded in (tracing on and the change
        // made in a traced request or job).
        const r = rows[i];
        toQueue.push({ event, traceParent: r.trace_parent, replay: Number(r.attempts) > 1, jobKey: r.job_key });
        handled.push(event.id);
      } else unhandled.push(event.id);
    }
    const { jobs, keys } = eventJobs(toQueue, this.app.config.eventGroupSize);
    // One statement marks them all published, those no handler wants processed too, and keeps each new
    // group's key on its events. Marked before they are queued: a relay that dies in between leaves them
    // to the sweeper, whose replay adds the same jobs (event-group.ts), not to a new claim that would
    // queue them under other ones.
    await this.run(...markPublished(pg, Date.now(), handled, unhandled, keys), 'run');
    // Queued before they are published: a subscriber told of an event can rely on its job being there.
    await this.app.queue.addBulk(EVENTS_QUEUE, jobs);
    for (const event of events) this.app.pubsub.publish(EVENT_TOPIC, event);
    return rows.length;
  }

  /** Unprocessed events older than the retry time are released for the relay to publish again. */
  async sweep(): Promise<number> {
    const em = this.app.orm.em.fork() as Em;
    const cutoff = Date.now() - this.app.config.outboxRetryMs;
    const res = await em.execute(
      'UPDATE outbox_event SET published_at_ms = NULL, claimed_until_ms = NULL WHERE processed_at_ms IS NULL AND published_at_ms IS NOT NULL AND published_at_ms < ? AND attempts < ?',
      [cutoff, MAX_REPLAYS],
      'run',
    );
    const n = Number((res as { affectedRows?: number }).affectedRows ?? 0);
    if (n) {
      this.floor.rescan(); // they are below the floor now
      this.app.log.info({ events: n }, 'outbox sweeper republishes unacknowledged events');
      this.kick();
    }
    return n;
  }
}

/**
 * The statement that marks a pass's events published, those no handler wants processed too, and keeps each
 * new group's key on its events. On PostgreSQL its text is the same for every pass (the lists go in as an
 * array and a JSON object), so it is prepared; SQLite's lists are written into the text.
 */
function markPublished(pg: boolean, t: number, handled: number[], unhandled: number[], keys: Map<string, number[]>): [string, unknown[]] {
  const all = [...handled, ...unhandled];
  if (pg) {
    const keyOf: Record<string, string> = {};
    for (const [key, ids] of keys) for (const id of ids) keyOf[id] = key;
    const done = postgresqlDialect.anyOf('id', unhandled);
    const every = postgresqlDialect.anyOf('id', all);
    return [
      `UPDATE outbox_event SET published_at_ms = ?, processed_at_ms = CASE WHEN ${done.sql} THEN ? ELSE processed_at_ms END,
         job_key = COALESCE(CAST(? AS jsonb) ->> CAST(id AS text), job_key) WHERE ${every.sql}`,
      [t, ...done.params, t, JSON.stringify(keyOf), ...every.params],
    ];
  }
  const sets = [`published_at_ms = ${t}`];
  if (unhandled.length) sets.push(`processed_at_ms = CASE WHEN id IN (${unhandled.join(',')}) THEN ${t} ELSE processed_at_ms END`);
  if (keys.size) sets.push(`job_key = CASE ${[...keys].map(([key, ids]) => `WHEN id IN (${ids.join(',')}) THEN '${key}'`).join(' ')} ELSE job_key END`);
  return [`UPDATE outbox_event SET ${sets.join(', ')} WHERE id IN (${all.join(',')})`, []];
}
