// Where automatic persisted queries (APQ) are kept: in Redis when REDIS_URL is set, so that API
// processes behind a load balancer share them (a query registered through one is found by the next),
// else in Apollo's bounded in-memory LRU cache of this process. Keys carry ORDO_REDIS_PREFIX, and each
// registration expires (ORDO_APQ_TTL_SECONDS) so that documents nobody sends any more go away.
import { redisClient, type Redis } from './redis-client.js';
import type { ApolloServerOptions } from '@apollo/server';
import type { Logger } from './logger.js';

type PersistedQueryOptions = Exclude<NonNullable<ApolloServerOptions<never>['persistedQueries']>, false>;

/** Apollo's KeyValueCache interface (from @apollo/utils.keyvaluecache), over ioredis. */
export class RedisApqCache {
  private readonly redis: Redis;
  private lastWarning = 0;

  constructor(url: string, private readonly prefix: string, private readonly defaultTtlSeconds: number, private readonly log: Logger) {
    // A slow or absent Redis must not hold requests: a command gives up quickly, and the query is then
    // treated as not registered (the client sends it in full: slower, never wrong).
    this.redis = redisClient(url, { maxRetriesPerRequest: 1, commandTimeout: 1_000, lazyConnect: true });
    this.redis.on('error', () => {}); // reported per command below; ioredis reconnects by itself
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.key(key))) ?? undefined;
    } catch (e) {
      this.warn(e);
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const ttl = options?.ttl === undefined ? this.defaultTtlSeconds : options.ttl;
    try {
      if (ttl === null || ttl <= 0) await this.redis.set(this.key(key), value);
      else await this.redis.set(this.key(key), value, 'EX', Math.ceil(ttl));
    } catch (e) {
      this.warn(e);
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(this.key(key))) > 0;
    } catch (e) {
      this.warn(e);
      return false;
    }
  }

  close(): void {
    this.redis.disconnect();
  }

  private warn(e: unknown): void {
    // One line a minute at most while Redis is away.
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.log.warn({ err: e }, 'persisted query cache (Redis) unavailable: clients send full queries meanwhile');
  }
}

/** Apollo's persistedQueries option for this deployment, and what closes it. */
export function persistedQueries(redisUrl: string | undefined, redisPrefix: string, ttlSeconds: number, log: Logger): { options: PersistedQueryOptions; close(): void } {
  if (!redisUrl) return { options: { ttl: ttlSeconds }, close: () => {} }; // Apollo's bounded InMemoryLRUCache
  const cache = new RedisApqCache(redisUrl, redisPrefix, ttlSeconds, log);
  return { options: { cache, ttl: ttlSeconds }, close: () => cache.close() };
}
