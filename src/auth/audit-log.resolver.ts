// auditLog: the admin mutations the engine recorded (kernel/audit/), newest first, for superadmins.
import { Arg, Ctx, Field, InputType, Int, Query, Resolver } from 'type-graphql';
import { Length, Matches } from 'class-validator';
import { admin } from '../kernel/auth.js';
import { can, type OrdoContext } from '../kernel/context.js';
import { connectionOf, DateTimeScalar } from '../kernel/graphql-types.js';
import { pageOf, type Page } from '../kernel/pagination.js';
import { AuditEntry } from '../kernel/audit/audit-entry.entity.js';

export const AuditEntryConnection = connectionOf(AuditEntry, 'AuditEntry');

@InputType({ description: 'Every field left out matches everything.' })
class AuditLogFilter {
  @Field({ nullable: true, description: 'The API key (or staff member) id.' }) @Length(1, 64)
  actorId?: string;

  @Field({ nullable: true, description: 'The mutation, for example refundPayment.' }) @Matches(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/)
  operation?: string;

  @Field({ nullable: true, description: '`ok` or an error code.' }) @Length(1, 40)
  outcome?: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'At or after.' })
  since?: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Before.' })
  until?: Date;
}

@Resolver()
export class AuditLogResolver {
  @Query(() => AuditEntryConnection, { description: 'Superadmin only. Who did what with an admin key, newest first; append-only.' })
  auditLog(
    @Ctx() ctx: OrdoContext,
    @Arg('filter', () => AuditLogFilter, { nullable: true }) filter?: AuditLogFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<AuditEntry>> {
    const { em } = can(ctx, admin('superadmin'));
    const where: Record<string, unknown> = {};
    if (filter?.actorId) where.actorId = filter.actorId;
    if (filter?.operation) where.operation = filter.operation;
    if (filter?.outcome) where.outcome = filter.outcome;
    if (filter?.since || filter?.until) where.at = { ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) };
    return pageOf(em, AuditEntry, where, first, after);
  }
}
