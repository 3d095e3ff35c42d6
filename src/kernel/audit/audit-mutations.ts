// The audit log's writer: every field of the Mutation type is wrapped once, after the schema is built, so
// each admin mutation (over HTTP or graphql-ws) writes one AuditEntry when it ends: who (the API key), the
// operation, its arguments with secrets redacted, the outcome (`ok` or the error code) and the request id.
// Only mutations are wrapped: queries and the fields under a mutation's answer pay nothing. The entry is
// written after the mutation's own transaction, on a connection of its own; if that write fails the
// mutation's answer stands and the failure is logged (an entry can be lost, never a change undone).
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { OrdoContext } from '../context.js';
import type { Em } from '../db/orm.js';
import { AuditEntry } from './audit-entry.entity.js';

const SECRET = /pass(word)?|secret|token|api_?key|authorization|cookie|cvc|card_?number/i;
const MAX_TEXT = 2000;

export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, ctx: OrdoContext, info) => {
      const p = ctx?.principal;
      // Admin keys only (customers' and storefronts' mutations are the orders' own history); not the engine itself.
      if (p?.kind !== 'admin' || p.keyId === 'system') return resolve(source, args, ctx, info);
      try {
        const result = await resolve(source, args, ctx, info);
        await record(ctx, p, info.fieldName, args, 'ok', null);
        return result;
      } catch (e) {
        const code = (e as { extensions?: { code?: unknown } })?.extensions?.code;
        await record(ctx, p, info.fieldName, args, typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR', (e as Error)?.message ?? String(e));
        throw e;
      }
    };
  }
  return schema;
}

async function record(ctx: OrdoContext, p: { keyId: string; name: string }, operation: string, args: Record<string, unknown>, outcome: string, message: string | null): Promise<void> {
  try {
    const em = ctx.app.orm.em.fork() as Em;
    await em.insert(AuditEntry, em.create(AuditEntry, {
      actorId: p.keyId, actorName: p.name, operation, arguments: redact(args) as Record<string, unknown>, outcome,
      errorMessage: message ? message.slice(0, MAX_TEXT) : null, requestId: ctx.requestId ?? null,
    }));
  } catch (err) {
    ctx.app.log.error({ err, operation, actor: p.keyId }, 'audit entry could not be written');
  }
}

/** A plain copy of the arguments (input classes become objects) with every secret-looking key's value replaced. */
export function redact(value: unknown, key = ''): unknown {
  if (key && SECRET.test(key)) return '[redacted]';
  if (value === null || value === undefined) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => [k, redact(v, k)]));
  if (typeof value === 'string' && value.length > MAX_TEXT) return `${value.slice(0, MAX_TEXT)}…`;
  return value;
}
