// Pub/sub for live updates: in-process by default, Redis when REDIS_URL is set, so an event published
// on one engine process reaches subscribers on every other.
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { redisClient } from './redis-client.js';

export type OrdoPubSub = PubSub<Record<string, [unknown]>> & { close(): Promise<void> };

export function createOrdoPubSub(redisUrl: string | undefined, prefix: string, onError: (err: Error) => void = () => {}): OrdoPubSub {
  if (!redisUrl) {
    const ps = createPubSub() as OrdoPubSub;
    ps.close = async () => {};
    return ps;
  }
  // Auto-pipelining: the relay publishes a claimed batch's events in one synchronous loop, and ioredis then
  // sends them in one write instead of one write (and one wake-up of Redis) per event.
  const publishClient = redisClient(redisUrl, { enableAutoPipelining: true });
  // No ready check on the subscriber: its INFO probe would race the first SUBSCRIBE and leave the
  // connection in subscriber mode without ever hearing an event.
  const subscribeClient = redisClient(redisUrl, { enableReadyCheck: false });
  // ioredis reconnects by itself; without a listener it prints "Unhandled error event" for each try.
  publishClient.on('error', onError);
  subscribeClient.on('error', onError);
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  const inner = createPubSub({ eventTarget });
  // Channel names carry the prefix so that engines sharing one Redis do not hear each other.
  const ps = {
    publish: (topic: string, ...args: [unknown]) => inner.publish(`${prefix}:${topic}` as never, ...(args as [never])),
    subscribe: (topic: string, ...rest: unknown[]) => (inner.subscribe as any)(`${prefix}:${topic}`, ...rest),
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  } as unknown as OrdoPubSub;
  return ps;
}
