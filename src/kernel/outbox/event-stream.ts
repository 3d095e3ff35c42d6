// Domain events as a stream for subscriptions of modules and plugins: the outbox relay publishes every
// committed event on one pub/sub topic (Redis across processes), and a subscription keeps the ones it
// wants. Live order tracking has its own per-process fan-out (src/live); this is the simple form.
import { filter, pipe } from '@graphql-yoga/subscription';
import type { AppRuntime } from '../runtime.js';
import type { DomainEvent } from '../module.js';
import { EVENT_TOPIC } from './outbox-relay.js';

export function domainEventStream(app: AppRuntime, keep: (event: DomainEvent) => boolean): AsyncIterable<DomainEvent> {
  const source = app.pubsub.subscribe(EVENT_TOPIC) as unknown as AsyncIterable<DomainEvent>;
  return pipe(source as never, filter(keep as never)) as unknown as AsyncIterable<DomainEvent>;
}
