// Returns, refunds and exchanges (RMA): requests by the buyer or staff within the return window,
// approval with a return label bought in a job, receipt with restocking per disposition, and the
// resolution in a job (a refund with its credit note, or a replacement order: the same SKU at no charge, or
// another variant with the price difference refunded or charged).
import type { Em } from '../kernel/db/orm.js';
import { defineModule, type EventHandler, type JobDefinition } from '../kernel/module.js';
import { ReturnLine, ReturnRequest } from './return-request.entity.js';
import { OrderEventReturnField, OrderReturnsField, ReturnLineFields, ReturnResolver } from './return.resolver.js';
import { ReturnService } from './return.service.js';
import { returnMachine } from './return-status.js';
import { idField, jobOnEvent } from '../kernel/outbox/event-job.js';

export const RETURNS_QUEUE = 'returns';

const jobs: Record<string, JobDefinition> = {
  'returns.label': { queue: RETURNS_QUEUE, handler: (d: { returnId: string }, ctx) => ctx.app.service(ReturnService).buyLabel(ctx.em as Em, d.returnId) },
  'returns.resolve': { queue: RETURNS_QUEUE, handler: (d: { returnId: string }, ctx) => ctx.app.service(ReturnService).resolve(ctx.em as Em, d.returnId) },
};

const returnIdOf = idField('returnId');
/** Adds one job per event for the return it names (kernel/outbox/event-job.ts). */
const enqueue = (name: string): EventHandler => jobOnEvent(RETURNS_QUEUE, name, (event) => {
  const returnId = returnIdOf(event);
  return returnId ? { returnId } : null;
});

export const returns = defineModule({
  name: 'returns',
  machines: [returnMachine],
  dependsOn: ['orders', 'payments', 'inventory', 'fulfillment', 'documents', 'invoicing', 'live'],
  entities: [ReturnRequest, ReturnLine],
  resolvers: [ReturnResolver, ReturnLineFields, OrderReturnsField, OrderEventReturnField],
  nodes: {
    ret: (ctx, id) => ctx.app.service(ReturnService).readable(ctx.em, ctx.principal, id),
  },
  jobs,
  on: {
    'return.approved': enqueue('returns.label'),
    'return.received': enqueue('returns.resolve'),
  },
});
