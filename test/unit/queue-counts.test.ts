// The in-process queue counts its jobs by state the way `ordo_queue_jobs` reports them: waiting in line,
// running, delayed (a delay or a retry's backoff), failed for good, completed.
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessQueue } from '../../src/kernel/queue/in-process-queue.js';
import { until } from '../helpers/until.js';

describe('InProcessQueue.counts', () => {
  const queues: InProcessQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  it('says how many jobs wait, run, are delayed, failed and completed', async () => {
    const q = new InProcessQueue();
    queues.push(q);
    expect(await q.counts('work')).toEqual({ waiting: 0, active: 0, failed: 0, completed: 0, delayed: 0 });

    await q.add('work', 'later', {}, { delayMs: 60_000 });
    await q.add('work', 'ok', {});
    await q.add('work', 'boom', {}, { attempts: 1 });
    await q.add('work', 'retry', {}, { attempts: 3, backoffMs: 60_000 });
    await q.add('work', 'hold', {});
    expect(await q.counts('work')).toEqual({ waiting: 4, active: 0, failed: 0, completed: 0, delayed: 1 });

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    q.work('work', async (job) => {
      if (job.name === 'boom' || job.name === 'retry') throw new Error(job.name);
      if (job.name === 'hold') await held;
    }, 10);
    const running = await until(() => q.counts('work'), (c) => c.active === 1 && c.completed === 1 && c.failed === 1);
    // `retry` waits out its backoff (delayed), as does `later`; `hold` still runs.
    expect(running).toEqual({ waiting: 0, active: 1, failed: 1, completed: 1, delayed: 2 });
    release();
    expect(await until(() => q.counts('work'), (c) => c.active === 0)).toEqual({ waiting: 0, active: 0, failed: 1, completed: 2, delayed: 2 });
  });
});
