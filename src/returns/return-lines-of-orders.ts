// The lines of the returns of some orders (a page's: `Order.returns { lines }`), in one statement: read-only
// instances by plain SQL (kernel/db/plain-find.ts explains why a read does not go through em.find).
import type { Em } from '../kernel/db/orm.js';
import { plainRead } from '../kernel/db/plain-transaction.js';
import { readEntities, selectList } from '../kernel/db/entity-read.js';
import { marks } from '../kernel/db/sql-runner.js';
import type { ReturnLine } from './return-request.entity.js';

export async function returnLinesOfOrders(em: Em, orderIds: readonly string[]): Promise<ReturnLine[]> {
  const rows = await plainRead(em, `SELECT ${selectList(em, 'ReturnLine', 'l')} FROM return_line l JOIN return_request r ON r.id = l.return_request_id
    WHERE r.order_id IN (${marks(orderIds.length)}) ORDER BY l.id`, orderIds);
  return readEntities<ReturnLine>(em, 'ReturnLine', rows);
}
