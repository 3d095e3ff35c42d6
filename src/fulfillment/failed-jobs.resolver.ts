// Admin: jobs that kept failing (every retry used up) per queue, and a way to run one again once the
// cause is fixed (a carrier that was down, a stock count corrected).
import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { badInput } from '../kernel/errors.js';
import { DateTimeScalar } from '../kernel/graphql-types.js';
import { EVENTS_QUEUE } from '../kernel/outbox/outbox-relay.js';
import type { AppRuntime } from '../kernel/runtime.js';

@ObjectType()
export class FailedJob {
  @Field() queue!: string;
  @Field() id!: string;
  @Field() name!: string;
  @Field({ description: "The job's data as JSON." }) data!: string;
  @Field(() => Int) attempts!: number;
  @Field() error!: string;
  @Field(() => DateTimeScalar) failedAt!: Date;
}

/** Every queue this engine works: the events queue and the queues of the modules' jobs. */
export function knownQueues(app: AppRuntime): string[] {
  const queues = new Set([EVENTS_QUEUE]);
  for (const m of app.modules) {
    for (const def of Object.values(m.jobs ?? {})) queues.add(typeof def === 'function' ? 'default' : def.queue ?? 'default');
    for (const r of Object.values(m.repeatable ?? {})) queues.add(r.queue ?? 'housekeeping');
  }
  return [...queues].sort();
}

@Resolver()
export class FailedJobsResolver {
  @Query(() => [FailedJob], { description: 'Admin: jobs that failed after their last retry, of one queue or all.' })
  async failedJobs(@Arg('queue', () => String, { nullable: true }) queue: string | undefined, @Ctx() ctx: OrdoContext): Promise<FailedJob[]> {
    can(ctx, admin('orders', 'operations'));
    const queues = queue ? [checkQueue(ctx.app, queue)] : knownQueues(ctx.app);
    const lists = await Promise.all(queues.map((q) => ctx.app.queue.failed(q)));
    return lists.flat()
      .map((j) => ({ ...j, data: JSON.stringify(j.data ?? null), failedAt: new Date(j.failedAt) }))
      .sort((a, b) => b.failedAt.getTime() - a.failedAt.getTime());
  }

  @Mutation(() => Boolean, { description: 'Admin: runs a failed job again; false when there is no such failed job.' })
  retryJob(@Arg('queue', () => String) queue: string, @Arg('id', () => String) id: string, @Ctx() ctx: OrdoContext): Promise<boolean> {
    can(ctx, admin('orders', 'operations'));
    return ctx.app.queue.retry(checkQueue(ctx.app, queue), id);
  }
}

function checkQueue(app: AppRuntime, queue: string): string {
  const known = knownQueues(app);
  if (!known.includes(queue)) throw badInput(`There is no queue "${queue}"; the queues are ${known.join(', ')}.`, 'queue');
  return queue;
}
