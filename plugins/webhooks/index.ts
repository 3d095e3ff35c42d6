// webhooks: signed POSTs of domain events to the URLs an admin registers, retried with backoff, each
// attempt recorded; an endpoint is switched off after too many failed deliveries in a row. Written only
// against the public API (src/index.ts).
import { createHmac, randomBytes } from 'node:crypto';
import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import {
  admin, badInput, can, definePlugin, notFound,
  type DomainEvent, type Em, type EventHandler, type JobContext, type OrdoContext,
} from '../../src/index.js';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './entities.js';
import { migrations } from './migrations/index.js';

export { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './entities.js';

export interface WebhooksOptions {
  /** Tries of one delivery (the first and its retries); default 8. */
  maxAttempts?: number;
  /** The first retry waits this long, doubling each time; default 1000 ms. */
  backoffMs?: number;
  /** Failed deliveries in a row (every try used up) after which the endpoint is disabled; default 5. */
  disableAfter?: number;
  /** Timeout of one POST; default 10 s. */
  timeoutMs?: number;
}

export const WEBHOOKS_QUEUE = 'webhooks';
export const DELIVER_JOB = 'webhooks.deliver';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as sent in x-ordo-signature. */
export function signWebhook(secret: string, body: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

interface DeliverJob {
  endpointId: string;
  event: { id: number; type: string; aggregateId?: string | null; payload: Record<string, unknown>; at: string };
}

@InputType()
class CreateWebhookEndpointInput {
  @Field({ description: 'http:// or https:// URL that receives the POSTs.' })
  @MaxLength(2000)
  @Matches(/^https?:\/\/\S+$/, { message: 'url must start with http:// or https://' })
  url!: string;

  @Field(() => [String], { nullable: true, description: 'Event types to send (order.confirmed, ...); default every event (*).' })
  @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(100)
  @Matches(/^(\*|[a-z][a-z0-9_.-]{0,99})$/, { each: true, message: 'eventTypes are event names such as order.confirmed, or *' })
  eventTypes?: string[];

  @Field({ nullable: true, description: 'The signing secret; default a random one, returned once.' })
  @IsOptional() @Length(16, 200)
  secret?: string;
}

@ObjectType()
class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field({ description: 'The key of the x-ordo-signature HMAC: store it now, it is not shown again.' }) secret!: string;
}

@Resolver()
export class WebhookResolver {
  @Query(() => [WebhookEndpoint], { description: 'Admin (settings): the webhook endpoints (webhooks plugin).' })
  webhookEndpoints(@Ctx() ctx: OrdoContext): Promise<WebhookEndpoint[]> {
    return can(ctx, admin('settings')).em.find(WebhookEndpoint, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  @Query(() => [WebhookDelivery], { description: 'Admin (settings): the deliveries to an endpoint, newest first (at most 200).' })
  webhookDeliveries(@Arg('endpointId', () => ID) endpointId: string, @Ctx() ctx: OrdoContext): Promise<WebhookDelivery[]> {
    return can(ctx, admin('settings')).em.find(WebhookDelivery, { endpoint: endpointId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 200 });
  }

  @Mutation(() => CreateWebhookEndpointPayload, { description: 'Admin (settings): registers a URL for signed event POSTs.' })
  async createWebhookEndpoint(@Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput, @Ctx() ctx: OrdoContext): Promise<CreateWebhookEndpointPayload> {
    const { em } = can(ctx, admin('settings'));
    const types = [...new Set(input.eventTypes ?? ['*'])];
    if (types.some((t) => t.includes(','))) throw badInput('eventTypes cannot contain commas.', 'eventTypes');
    const secret = input.secret ?? `whsec_${randomBytes(24).toString('base64url')}`;
    const endpoint = em.create(WebhookEndpoint, { url: input.url, secret, eventTypeList: types.join(',') });
    await em.persist(endpoint).flush();
    return { endpoint, secret };
  }

  @Mutation(() => Boolean, { description: 'Admin (settings): removes an endpoint and its delivery records.' })
  async deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    const { em } = can(ctx, admin('settings'));
    const endpoint = await em.findOne(WebhookEndpoint, id);
    if (!endpoint) throw notFound(`Webhook endpoint ${id}`);
    await em.transactional(async (tx) => {
      await tx.nativeDelete(WebhookDelivery, { endpoint: id });
      await tx.nativeDelete(WebhookEndpoint, { id });
    });
    return true;
  }
}

export function webhooks(options: WebhooksOptions = {}) {
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? 1_000;
  const disableAfter = options.disableAfter ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;

  /** Every event: one delivery job per enabled endpoint that wants it (the job id makes a repeat a no-op). */
  const fanOut: EventHandler = async (event: DomainEvent, ctx: JobContext) => {
    const endpoints = await ctx.em.find(WebhookEndpoint, { enabled: true });
    for (const e of endpoints.filter((x) => x.wants(event.type))) {
      const data: DeliverJob = {
        endpointId: e.id,
        event: { id: event.id, type: event.type, aggregateId: event.aggregateId ?? null, payload: event.payload, at: new Date(event.at).toISOString() },
      };
      await ctx.app.queue.add(WEBHOOKS_QUEUE, DELIVER_JOB, data, { jobId: `webhook-${event.id}-${e.id}`, attempts: maxAttempts, backoffMs });
    }
  };

  const deliver = async (data: DeliverJob, ctx: JobContext): Promise<void> => {
    const em = ctx.em as Em;
    const endpoint = await em.findOne(WebhookEndpoint, data.endpointId);
    if (!endpoint || !endpoint.enabled) return;
    let delivery = await em.findOne(WebhookDelivery, { endpoint: endpoint.id, eventId: data.event.id });
    if (!delivery) {
      delivery = em.create(WebhookDelivery, { endpoint, eventId: data.event.id, eventType: data.event.type });
      await em.persist(delivery).flush();
    }
    if (delivery.status !== WebhookDeliveryStatus.PENDING) return;

    const body = JSON.stringify({ id: data.event.id, type: data.event.type, aggregateId: data.event.aggregateId, payload: data.event.payload, createdAt: data.event.at });
    let error: string | null = null;
    let status: number | null = null;
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Ordo-Webhooks/1',
          'x-ordo-event': data.event.type,
          'x-ordo-event-id': String(data.event.id),
          'x-ordo-delivery': delivery.id,
          'x-ordo-signature': signWebhook(endpoint.secret, body),
        },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message || String(e);
    }

    delivery.attempts += 1;
    delivery.responseStatus = status;
    delivery.lastError = error;
    if (!error) {
      delivery.status = WebhookDeliveryStatus.SUCCEEDED;
      await em.flush();
      await em.execute('UPDATE webhook_endpoint SET failure_count = 0 WHERE id = ?', [endpoint.id], 'run');
      return;
    }
    const last = ctx.attempt >= maxAttempts;
    if (last) delivery.status = WebhookDeliveryStatus.FAILED;
    await em.flush();
    if (last) {
      await em.execute('UPDATE webhook_endpoint SET failure_count = failure_count + 1 WHERE id = ?', [endpoint.id], 'run');
      await em.execute('UPDATE webhook_endpoint SET enabled = false WHERE id = ? AND failure_count >= ?', [endpoint.id, disableAfter], 'run');
      ctx.log.warn({ endpoint: endpoint.id, eventId: data.event.id, error }, 'webhook delivery failed for good');
    }
    // Thrown so that the queue retries with backoff (and keeps the last failure in its failed list).
    throw new Error(`webhook to ${endpoint.url} failed: ${error}`);
  };

  return definePlugin({
    name: 'webhooks',
    entities: [WebhookEndpoint, WebhookDelivery],
    resolvers: [WebhookResolver],
    migrations,
    on: { '*': fanOut },
    jobs: { [DELIVER_JOB]: { queue: WEBHOOKS_QUEUE, handler: deliver, attempts: maxAttempts } },
  });
}
