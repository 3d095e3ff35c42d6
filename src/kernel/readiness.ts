// Whether this process can do its work: the database answers, and Redis when REDIS_URL is set. The API's
// /ready and a worker's /ready (worker-health.ts) answer the same.
import type { AppRuntime } from './runtime.js';
import type { Em } from './db/orm.js';

/** A check that gets no answer in this time counts as down (a probe must not hang). */
const CHECK_WAIT_MS = 5_000;

export interface Readiness {
  ok: boolean;
  checks: Record<string, string>;
}

export async function readiness(app: AppRuntime): Promise<Readiness> {
  const checks: Record<string, string> = {};
  const [database, redis] = await Promise.all([
    answers(async () => {
      await (app.orm.em.fork() as Em).execute('SELECT 1');
      return true;
    }),
    app.config.redisUrl ? answers(() => app.redisReady()) : Promise.resolve(undefined),
  ]);
  checks.database = database ? 'ok' : 'down';
  checks.queue = app.queue.kind;
  if (redis !== undefined) checks.redis = redis ? 'ok' : 'down';
  return { ok: checks.database === 'ok' && checks.redis !== 'down', checks };
}

async function answers(check: () => Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), CHECK_WAIT_MS);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
