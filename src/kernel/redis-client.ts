// A Redis connection (ioredis), for the parts that use Redis when REDIS_URL is set (queue, pub/sub,
// persisted queries, rate limits, queue board). ioredis is loaded by the first connection: a process
// without REDIS_URL never loads it (lazy-require.ts).
import type { Redis, RedisOptions } from 'ioredis';
import { lazyRequire } from './lazy-require.js';

export type { Redis };

const ioredis = lazyRequire<typeof import('ioredis')>('ioredis');

export function redisClient(url: string, options: RedisOptions): Redis {
  return new (ioredis().Redis)(url, options);
}
