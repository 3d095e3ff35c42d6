// "Nothing happened" is only worth asserting once the work that could have made it happen has run.
// `settled` waits for that instead of sleeping: every outbox event handled (acknowledged), no job
// waiting, running or backing off, and nothing added between two looks. A slow machine then makes the
// test slower, never vacuous.
import pg from 'pg';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { TestEngine } from './engine.js';
import { sleep } from './until.js';
import { queueNames } from '../../src/app.js';
import { coreModules } from '../../src/modules.js';

export async function settled(t: Pick<TestEngine, 'engine' | 'sql'>, ms = 30_000, pollMs = 50): Promise<void> {
  const { queue, relay } = t.engine.app;
  const deadline = Date.now() + ms;
  let last = '';
  let quietSince: string | null = null;
  for (;;) {
    await relay.drain();
    const added = queue.added;
    const pending = await queue.pending();
    const [all] = await t.sql('SELECT MAX(id) AS top, SUM(CASE WHEN processed_at_ms IS NULL THEN 1 ELSE 0 END) AS open FROM outbox_event');
    const unhandled = Number(all.open ?? 0);
    // What must not change between two quiet looks: the jobs added and the events written.
    const mark = `${added}/${all.top}`;
    last = JSON.stringify({ pending, unhandled, added, lastEvent: all.top });
    if (pending === 0 && unhandled === 0) {
      if (quietSince === mark) return;
      quietSince = mark;
    } else quietSince = null;
    if (Date.now() > deadline) throw new Error(`the engine did not settle in ${ms} ms: ${last}`);
    await sleep(pollMs);
  }
}

/**
 * The same for engines in other processes that share one PostgreSQL database and one Redis (BullMQ):
 * every outbox event handled, no job waiting, running or delayed (a repeatable job's next run aside) in
 * any of the deployment's queues, and no job finished between two looks.
 */
export async function settledAcross(opts: { pgUrl: string; redisUrl: string; prefix: string; queues?: string[] }, ms = 60_000): Promise<void> {
  const sql = new pg.Client({ connectionString: opts.pgUrl });
  await sql.connect();
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queues = (opts.queues ?? queueNames(coreModules)).map((name) => new Queue(name, { connection: connection as never, prefix: opts.prefix }));
  try {
    const deadline = Date.now() + ms;
    let quietSince: string | null = null;
    for (;;) {
      let pending = 0;
      let done = 0;
      for (const q of queues) {
        const c = await q.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children', 'completed', 'failed');
        pending += c.active + c.waiting + c.prioritized + c['waiting-children'];
        done += c.completed + c.failed;
        pending += (await q.getDelayed()).filter((j) => !j.repeatJobKey).length;
      }
      const { rows: [o] } = await sql.query('SELECT MAX(id) AS top, COUNT(*) FILTER (WHERE processed_at_ms IS NULL) AS open FROM outbox_event');
      const mark = `${done}/${o.top}`;
      if (pending === 0 && Number(o.open) === 0) {
        if (quietSince === mark) return;
        quietSince = mark;
      } else quietSince = null;
      if (Date.now() > deadline) throw new Error(`the engines did not settle in ${ms} ms: ${JSON.stringify({ pending, done, open: o.open })}`);
      await sleep(100);
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
    await sql.end();
  }
}
