// Benchmarks ask for the number of SQL statements a request sent with the header `x-ordo-count-sql`
// (with ORDO_DEBUG_SQL=1 only): the answer carries it as `x-ordo-sql-count`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sqlCounter } from './db/sql-counter.js';

export type SqlCountHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Runs the rest of the request under the counter and writes the count with the answer's head. */
export function sqlCountHeader(enabled: boolean): SqlCountHandler {
  return (req, res, next) => {
    if (!enabled || !req.headers['x-ordo-count-sql']) return next();
    const store = { count: 0 };
    const write = res.writeHead.bind(res);
    res.writeHead = ((...args: unknown[]) => {
      res.setHeader('x-ordo-sql-count', String(store.count));
      return (write as (...a: unknown[]) => ServerResponse)(...args);
    }) as typeof res.writeHead;
    return sqlCounter.run(store, () => next());
  };
}
