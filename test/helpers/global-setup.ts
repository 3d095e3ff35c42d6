// Once per test run: compile dist/ (the e2e tests start the compiled server like `npm start` does),
// and make sure PostgreSQL and Redis answer.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { PG_ADMIN_URL, REDIS_URL } from './services.js';

export default async function setup() {
  // ORDO_TEST_NO_BUILD=1: a run of integration tests only, which import the sources (vitest compiles them
  // without type checks) — while someone else's half-written file would fail tsc. CI never sets it.
  if (process.env.ORDO_TEST_NO_BUILD !== '1') {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
    writeFileSync('dist/.build-stamp', String(Date.now()));
  }
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  await client.end();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  redis.disconnect();
}
